package io.avloc.core.heatmap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ObjectGuidedLocalizationTest {
  private static final double EPS = 1e-12;

  // Two channels of a 2x2 map, channel-major: |x| averaged over channels is [1, 2, 1, 2].
  private static final float[] FEATURES = {1, -3, 0, 2, -1, 1, 2, 2};

  @Test
  void objectMapIsTheNormalizedChannelMeanOfAbsoluteFeatures() {
    double[] obj = ObjectGuidedLocalization.objectMap(FEATURES, 2, 2, 2, 2, 2);
    assertThat(obj).containsExactly(0, 1, 0, 1);
  }

  @Test
  void objectMapIsUpsampledBilinearlyWithAlignedCorners() {
    // Each row [1, 2] becomes [1, 1.5, 2] at width 3, then min-max gives [0, 0.5, 1].
    double[] obj = ObjectGuidedLocalization.objectMap(FEATURES, 2, 2, 2, 2, 3);
    assertThat(obj).containsExactly(new double[] {0, 0.5, 1, 0, 0.5, 1}, within(EPS));
  }

  @Test
  void mixIsTheNormalizedWeightedSum() {
    double[] av = {0, 1, 0.5, 0.25};
    double[] obj = {1, 0, 0.5, 0.25};
    // 0.4·av + 0.6·obj = [0.6, 0.4, 0.5, 0.25]; min 0.25, range 0.35.
    double[] expected = {1, 0.15 / 0.35, 0.25 / 0.35, 0};
    assertThat(ObjectGuidedLocalization.mix(av, obj, 0.4)).containsExactly(expected, within(EPS));
    assertThat(ObjectGuidedLocalization.mix(av, obj)).containsExactly(expected, within(EPS));
  }

  @Test
  void alphaOneKeepsOnlyTheAudioVisualMap() {
    double[] av = {0.2, 0.6, 1.0};
    double[] obj = {1, 0, 0.3};
    assertThat(ObjectGuidedLocalization.mix(av, obj, 1.0))
        .containsExactly(new double[] {0, 0.5, 1}, within(EPS));
  }

  @Test
  void rejectsFeaturesThatDoNotMatchTheirShape() {
    assertThatThrownBy(() -> ObjectGuidedLocalization.objectMap(new float[7], 2, 2, 2, 4, 4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("need 8 values, got 7");
  }
}
