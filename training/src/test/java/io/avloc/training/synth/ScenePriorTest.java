package io.avloc.training.synth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ScenePriorTest {

  private static final int N = 200_000;

  private static double quantile(double[] sorted, double p) {
    return sorted[(int) (p * (sorted.length - 1))];
  }

  @Test
  void objectAreasFollowTheVggssDeciles() {
    SplittableRandom rng = new SplittableRandom(1);
    double[] a = new double[N];
    for (int i = 0; i < N; i++) {
      a[i] = SceneComposer.sampleArea(rng);
    }
    Arrays.sort(a);

    assertThat(quantile(a, 0.3)).isCloseTo(0.104, offset(0.003));
    assertThat(quantile(a, 0.5)).isCloseTo(0.205, offset(0.003));
    assertThat(quantile(a, 0.7)).isCloseTo(0.356, offset(0.004));
    assertThat(quantile(a, 0.9)).isCloseTo(0.638, offset(0.004));
    assertThat(a[0]).isGreaterThanOrEqualTo(SceneComposer.MIN_AREA);
    assertThat(a[N - 1]).isLessThanOrEqualTo(SceneComposer.MAX_AREA);
  }

  @Test
  void objectCentresFollowTheVggssRanges() {
    SplittableRandom rng = new SplittableRandom(2);
    double[] x = new double[N];
    double[] y = new double[N];
    for (int i = 0; i < N; i++) {
      double[] c = SceneComposer.sampleCentre(rng);
      x[i] = c[0];
      y[i] = c[1];
    }
    Arrays.sort(x);
    Arrays.sort(y);

    assertThat(quantile(x, 0.1)).isCloseTo(0.30, offset(0.005));
    assertThat(quantile(x, 0.9)).isCloseTo(0.69, offset(0.005));
    assertThat(quantile(y, 0.1)).isCloseTo(0.30, offset(0.005));
    assertThat(quantile(y, 0.9)).isCloseTo(0.71, offset(0.005));
  }
}
