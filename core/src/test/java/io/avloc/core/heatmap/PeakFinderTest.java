package io.avloc.core.heatmap;

import static org.assertj.core.api.Assertions.assertThat;

import io.avloc.core.event.HeatmapEvent;
import org.junit.jupiter.api.Test;

class PeakFinderTest {

  @Test
  void thePeakIsTheNormalizedCentreOfTheHottestPixel() {
    // height 2, width 3; the maximum is at row 1, column 2.
    double[] map = {0.1, 0.2, 0.3, 0.4, 0.5, 0.9};
    HeatmapEvent.Peak peak = PeakFinder.peak(map, 2, 3);
    assertThat(peak.x()).isEqualTo(2.5 / 3);
    assertThat(peak.y()).isEqualTo(0.75);
    assertThat(peak.score()).isEqualTo(0.9);
  }

  @Test
  void tiesGoToTheFirstPixelInRowMajorOrder() {
    assertThat(PeakFinder.argmax(new double[] {0, 1, 0, 1})).isEqualTo(1);
  }
}
