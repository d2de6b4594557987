package io.avloc.core.heatmap;

import static org.assertj.core.api.Assertions.assertThat;

import io.avloc.core.event.HeatmapEvent;
import java.util.List;
import org.junit.jupiter.api.Test;

class BoxExtractorTest {
  private static final BoxExtractor.Options ALL =
      new BoxExtractor.Options(0.5, Connectivity.EIGHT, 10, 0);

  @Test
  void twoBlobsGiveTwoTightBoxesStrongestFirst() {
    // height 4, width 8: a weaker blob on the left, a stronger one on the right.
    double[] map = {
      0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
      0.6, 0.7, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
      0.6, 0.6, 0.0, 0.0, 0.0, 0.9, 1.0, 0.0,
      0.0, 0.0, 0.0, 0.0, 0.0, 0.8, 0.0, 0.0,
    };
    List<HeatmapEvent.Box> boxes = new BoxExtractor(ALL).extract(map, 4, 8);
    assertThat(boxes)
        .containsExactly(
            new HeatmapEvent.Box(5 / 8.0, 2 / 4.0, 7 / 8.0, 4 / 4.0, 1.0),
            new HeatmapEvent.Box(0 / 8.0, 1 / 4.0, 2 / 8.0, 3 / 4.0, 0.7));
  }

  @Test
  void diagonalNeighboursJoinOnlyWithEightConnectivity() {
    double[] map = {
      1, 0, 0,
      0, 1, 0,
      0, 0, 1,
    };
    assertThat(new BoxExtractor(ALL).extract(map, 3, 3))
        .containsExactly(new HeatmapEvent.Box(0, 0, 1, 1, 1));
    BoxExtractor four = new BoxExtractor(new BoxExtractor.Options(0.5, Connectivity.FOUR, 10, 0));
    assertThat(four.extract(map, 3, 3)).hasSize(3);
  }

  @Test
  void aPixelExactlyAtTheThresholdBelongsToTheRegion() {
    assertThat(new BoxExtractor(ALL).extract(new double[] {0.5, 0.4}, 1, 2))
        .containsExactly(new HeatmapEvent.Box(0, 0, 0.5, 1, 0.5));
  }

  @Test
  void smallComponentsAreDroppedAndTheCountIsCapped() {
    // A 1-pixel blob (score 1.0), a 2-pixel blob (0.9) and a 3-pixel blob (0.8) on a 1x10 row.
    double[] map = {1.0, 0, 0.9, 0.9, 0, 0.8, 0.8, 0.8, 0, 0};
    BoxExtractor minTwoPixels =
        new BoxExtractor(new BoxExtractor.Options(0.5, Connectivity.EIGHT, 10, 0.2));
    assertThat(minTwoPixels.extract(map, 1, 10))
        .extracting(HeatmapEvent.Box::score)
        .containsExactly(0.9, 0.8);
    BoxExtractor atMostTwo =
        new BoxExtractor(new BoxExtractor.Options(0.5, Connectivity.EIGHT, 2, 0));
    assertThat(atMostTwo.extract(map, 1, 10))
        .extracting(HeatmapEvent.Box::score)
        .containsExactly(1.0, 0.9);
  }

  @Test
  void equalScoresPutTheLargerRegionFirst() {
    double[] map = {1, 0, 1, 1};
    assertThat(new BoxExtractor(ALL).extract(map, 1, 4))
        .extracting(HeatmapEvent.Box::x1)
        .containsExactly(0.5, 0.0);
  }

  @Test
  void nothingAboveTheThresholdGivesNoBoxes() {
    assertThat(new BoxExtractor(ALL).extract(new double[] {0.1, 0.2, 0.3, 0.4}, 2, 2)).isEmpty();
  }
}
