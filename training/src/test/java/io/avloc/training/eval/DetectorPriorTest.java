package io.avloc.training.eval;

import static org.assertj.core.api.Assertions.assertThat;

import io.avloc.core.detector.ClassHeatmaps;
import io.avloc.core.heatmap.PeakFinder;
import org.junit.jupiter.api.Test;

class DetectorPriorTest {

  @Test
  void theObjectMapIsTheObjectnessUpsampledAndNormalized() {
    int side = 8;
    int classes = 80;
    float[] v = new float[side * side * classes];
    // a "cow" (19) at row 6, column 1 and a weaker "person" (0) at row 1, column 5
    v[(6 * side + 1) * classes + 19] = 0.6f;
    v[(1 * side + 5) * classes] = 0.3f;
    double[] map = DetectorPrior.objectMap(new ClassHeatmaps(side, side, classes, v), 224);

    assertThat(map).hasSize(224 * 224);
    double min = Double.MAX_VALUE;
    double max = -Double.MAX_VALUE;
    for (double m : map) {
      min = Math.min(min, m);
      max = Math.max(max, m);
    }
    assertThat(min).isZero();
    assertThat(max).isEqualTo(1.0);
    var peak = PeakFinder.peak(map, 224, 224);
    // align_corners=True: cell (6, 1) of 8 maps to pixel (6·223/7, 1·223/7)
    assertThat(peak.y()).isBetween(0.80, 0.90);
    assertThat(peak.x()).isBetween(0.10, 0.18);
  }
}
