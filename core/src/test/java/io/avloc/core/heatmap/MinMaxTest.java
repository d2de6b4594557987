package io.avloc.core.heatmap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class MinMaxTest {

  @Test
  void mapsMinimumToZeroAndMaximumToOne() {
    assertThat(MinMax.normalize(new double[] {2, 4, 6, 3}))
        .containsExactly(new double[] {0, 0.5, 1, 0.25}, within(1e-15));
  }

  @Test
  void negativeAndFloatMapsNormalizeToo() {
    assertThat(MinMax.normalize(new float[] {-3f, -1f, 1f})).containsExactly(0, 0.5, 1);
  }

  @Test
  void aConstantMapIsLeftUnchangedAsInTheReference() {
    double[] map = {0.7, 0.7, 0.7};
    double[] out = MinMax.normalize(map);
    assertThat(out).containsExactly(0.7, 0.7, 0.7);
    assertThat(out).isNotSameAs(map);
  }

  @Test
  void theInputIsNotModified() {
    double[] map = {5, 1, 3};
    MinMax.normalize(map);
    assertThat(map).containsExactly(5, 1, 3);
  }
}
