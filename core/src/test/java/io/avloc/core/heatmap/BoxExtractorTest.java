package io.avloc.core.heatmap;

import static org.assertj.core.api.Assertions.assertThat;

import io.avloc.core.event.HeatmapEvent;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Random;
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

  @Test
  void regionsEqualThoseOfAPixelwiseFloodFillOnRandomMaps() {
    // Random maps of every density join runs in every way (U shapes, spirals, diagonal chains);
    // the labelling by runs must find exactly the components a flood fill over pixels finds.
    Random random = new Random(11);
    for (int i = 0; i < 600; i++) {
      int height = 1 + random.nextInt(40);
      int width = 1 + random.nextInt(40);
      double density = random.nextDouble();
      double[] map = new double[height * width];
      for (int p = 0; p < map.length; p++) {
        map[p] = random.nextDouble() < density ? 0.5 + random.nextInt(50) / 100.0 : 0.1;
      }
      for (Connectivity connectivity : Connectivity.values()) {
        BoxExtractor.Options options = new BoxExtractor.Options(0.5, connectivity, 1000, 0);
        assertThat(new BoxExtractor(options).extract(map, height, width))
            .as("map %d (%dx%d, density %.2f), %s", i, height, width, density, connectivity)
            .containsExactlyElementsOf(floodFill(map, height, width, connectivity));
      }
    }
  }

  /** The boxes of every component, by a plain flood fill over pixels, ordered as extract orders. */
  private static List<HeatmapEvent.Box> floodFill(
      double[] map, int height, int width, Connectivity connectivity) {
    boolean[] seen = new boolean[map.length];
    // {max, pixels, first, minRow, maxRow, minCol, maxCol} per component
    List<double[]> components = new ArrayList<>();
    for (int start = 0; start < map.length; start++) {
      if (seen[start] || map[start] < 0.5) {
        continue;
      }
      double[] c = {map[start], 0, start, height, -1, width, -1};
      Deque<Integer> todo = new ArrayDeque<>(List.of(start));
      seen[start] = true;
      while (!todo.isEmpty()) {
        int p = todo.pop();
        int row = p / width;
        int col = p % width;
        c[0] = Math.max(c[0], map[p]);
        c[1]++;
        c[3] = Math.min(c[3], row);
        c[4] = Math.max(c[4], row);
        c[5] = Math.min(c[5], col);
        c[6] = Math.max(c[6], col);
        for (int dy = -1; dy <= 1; dy++) {
          for (int dx = -1; dx <= 1; dx++) {
            boolean diagonal = dx != 0 && dy != 0;
            int r = row + dy;
            int k = col + dx;
            if ((connectivity == Connectivity.FOUR && diagonal)
                || r < 0
                || r >= height
                || k < 0
                || k >= width) {
              continue;
            }
            int q = r * width + k;
            if (!seen[q] && map[q] >= 0.5) {
              seen[q] = true;
              todo.push(q);
            }
          }
        }
      }
      components.add(c);
    }
    components.sort(
        Comparator.comparingDouble((double[] c) -> -c[0])
            .thenComparingDouble(c -> -c[1])
            .thenComparingDouble(c -> c[2]));
    return components.stream()
        .map(
            c ->
                new HeatmapEvent.Box(
                    c[5] / width, c[3] / height, (c[6] + 1) / width, (c[4] + 1) / height, c[0]))
        .toList();
  }
}
