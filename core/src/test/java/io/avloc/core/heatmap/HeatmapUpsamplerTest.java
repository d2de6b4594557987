package io.avloc.core.heatmap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class HeatmapUpsamplerTest {
  private static final double EPS = 1e-12;

  @Test
  void bilinearAlignCornersTwoByTwoToFourByFourMatchesTheFormula() {
    // src = dst·(2−1)/(4−1) = 0, 1/3, 2/3, 1 on both axes; the map is linear, so out = 2·sy + sx.
    double[] out =
        HeatmapUpsampler.upsample(
            new double[] {0, 1, 2, 3}, 2, 2, 4, 4, Upsampling.BILINEAR_ALIGN_CORNERS);
    double t = 1.0 / 3;
    double[] expected = {
      0, t, 2 * t, 1, 2 * t, 1, 4 * t, 5 * t, 4 * t, 5 * t, 2, 7 * t, 2, 7 * t, 8 * t, 3
    };
    assertThat(out).containsExactly(expected, within(EPS));
  }

  @Test
  void bicubicTwoByTwoToFourByFourMatchesTheFormula() {
    // src = (dst+0.5)·2/4 − 0.5 = −0.25, 0.25, 0.75, 1.25. With A = −0.75:
    // W(0.25) = 0.87890625, W(0.75) = 0.26171875, W(1.25) = −0.10546875, W(1.75) = −0.03515625.
    // Border clamping folds the taps of a 2-pixel axis into the 1-D weights (for [a, b]):
    //   dst 0: 1.10546875 a − 0.10546875 b      dst 1: 0.7734375 a + 0.2265625 b
    //   dst 2: 0.2265625 a + 0.7734375 b       dst 3: −0.10546875 a + 1.10546875 b
    double[] wb = {-0.10546875, 0.2265625, 0.7734375, 1.10546875}; // weight of b per dst
    // Rows [0, 1] and [2, 3]: along x, row 0 gives wb; row 1 gives wb + 2. Along y, the same
    // weights mix the two rows, so out[y][x] = wb[x] + 2·wb[y].
    double[] expected = new double[16];
    for (int y = 0; y < 4; y++) {
      for (int x = 0; x < 4; x++) {
        expected[y * 4 + x] = wb[x] + 2 * wb[y];
      }
    }
    double[] out =
        HeatmapUpsampler.upsample(new double[] {0, 1, 2, 3}, 2, 2, 4, 4, Upsampling.BICUBIC);
    assertThat(out).containsExactly(expected, within(EPS));
    assertThat(out[0]).isCloseTo(-0.31640625, within(EPS));
    assertThat(out[15]).isCloseTo(3.31640625, within(EPS));
  }

  @Test
  void cubicKernelHasTheKeysShapeWithAMinusThreeQuarters() {
    assertThat(HeatmapUpsampler.cubicWeight(0)).isEqualTo(1.0);
    assertThat(HeatmapUpsampler.cubicWeight(1)).isCloseTo(0.0, within(EPS));
    assertThat(HeatmapUpsampler.cubicWeight(2)).isEqualTo(0.0);
    assertThat(HeatmapUpsampler.cubicWeight(0.25)).isCloseTo(0.87890625, within(EPS));
    assertThat(HeatmapUpsampler.cubicWeight(-0.75)).isCloseTo(0.26171875, within(EPS));
    assertThat(HeatmapUpsampler.cubicWeight(1.25)).isCloseTo(-0.10546875, within(EPS));
    assertThat(HeatmapUpsampler.cubicWeight(-1.75)).isCloseTo(-0.03515625, within(EPS));
  }

  @Test
  void bilinearAlignCornersKeepsTheFourCornersExactly() {
    double[] map = random(7 * 7, 1);
    double[] out =
        HeatmapUpsampler.upsample(map, 7, 7, 224, 224, Upsampling.BILINEAR_ALIGN_CORNERS);
    assertThat(out[0]).isEqualTo(map[0]);
    assertThat(out[223]).isEqualTo(map[6]);
    assertThat(out[223 * 224]).isEqualTo(map[42]);
    assertThat(out[224 * 224 - 1]).isEqualTo(map[48]);
  }

  @Test
  void bilinearAlignCornersSamplesAtDstTimesSixOver223() {
    double[] ramp = {0, 1, 2, 3, 4, 5, 6}; // one row
    double[] out = HeatmapUpsampler.upsample(ramp, 1, 7, 1, 224, Upsampling.BILINEAR_ALIGN_CORNERS);
    for (int x = 0; x < 224; x++) {
      assertThat(out[x]).as("x=%d", x).isCloseTo(x * 6.0 / 223, within(EPS));
    }
  }

  @Test
  void heightAndWidthAreNotSwappedOnANonSquareMap() {
    // v[y][x] = 10y + x on a 2x3 map (height 2, width 3); bilinear reproduces linear maps.
    double[] map = {0, 1, 2, 10, 11, 12};
    double[] out = HeatmapUpsampler.upsample(map, 2, 3, 3, 5, Upsampling.BILINEAR_ALIGN_CORNERS);
    double[] expected = new double[15];
    for (int y = 0; y < 3; y++) {
      for (int x = 0; x < 5; x++) {
        expected[y * 5 + x] = 10 * (y * 0.5) + x * 0.5;
      }
    }
    assertThat(out).containsExactly(expected, within(EPS));
  }

  @ParameterizedTest
  @EnumSource(Upsampling.class)
  void aConstantMapStaysConstant(Upsampling mode) {
    double[] map = new double[5 * 3];
    Arrays.fill(map, 0.37);
    double[] out = HeatmapUpsampler.upsample(map, 5, 3, 17, 11, mode);
    assertThat(out).hasSize(17 * 11);
    for (double v : out) {
      assertThat(v).isCloseTo(0.37, within(EPS));
    }
  }

  @ParameterizedTest
  @EnumSource(Upsampling.class)
  void theSameSizeIsTheIdentity(Upsampling mode) {
    double[] map = random(6 * 4, 2);
    assertThat(HeatmapUpsampler.upsample(map, 6, 4, 6, 4, mode)).containsExactly(map);
  }

  @Test
  void bicubicOvershootsAStepWhileBilinearDoesNot() {
    double[] step = {0, 0, 1, 1};
    double[] cubic = HeatmapUpsampler.upsample(step, 1, 4, 1, 16, Upsampling.BICUBIC);
    double[] linear =
        HeatmapUpsampler.upsample(step, 1, 4, 1, 16, Upsampling.BILINEAR_ALIGN_CORNERS);
    assertThat(Arrays.stream(cubic).min().orElseThrow()).isLessThan(-0.01);
    assertThat(Arrays.stream(cubic).max().orElseThrow()).isGreaterThan(1.01);
    assertThat(Arrays.stream(linear).min().orElseThrow()).isEqualTo(0.0);
    assertThat(Arrays.stream(linear).max().orElseThrow()).isEqualTo(1.0);
  }

  @Test
  void bicubicUsesHalfPixelCentresNotAlignedCorners() {
    // With align_corners=False output pixel 0 sits at src = 0.5·7/224 − 0.5 = −0.484375: floor −1,
    // t = 0.515625, taps −2..1 clamp to input indices 0, 0, 0, 1. On the ramp 0..6 only the last
    // tap is non-zero, so out[0] = 1·W(2 − t) = W(1.484375) < 0; aligned corners would give 0.
    double[] ramp = {0, 1, 2, 3, 4, 5, 6};
    double[] out = HeatmapUpsampler.upsample(ramp, 1, 7, 1, 224, Upsampling.BICUBIC);
    assertThat(out[0]).isCloseTo(HeatmapUpsampler.cubicWeight(1.484375), within(EPS));
    assertThat(out[0]).isLessThan(0.0);
  }

  @Test
  void floatInputGivesTheSameResultAsItsDoubleValues() {
    float[] f = {0.25f, 0.5f, 0.75f, 1f};
    double[] d = {0.25, 0.5, 0.75, 1};
    assertThat(HeatmapUpsampler.upsample(f, 2, 2, 5, 3, Upsampling.BICUBIC))
        .containsExactly(HeatmapUpsampler.upsample(d, 2, 2, 5, 3, Upsampling.BICUBIC));
  }

  @Test
  void rejectsAMapOfTheWrongSizeOrWithNaN() {
    assertThatThrownBy(
            () ->
                HeatmapUpsampler.upsample(
                    new double[48], 7, 7, 224, 224, Upsampling.BILINEAR_ALIGN_CORNERS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("needs 49 values, got 48");
    assertThatThrownBy(
            () ->
                HeatmapUpsampler.upsample(
                    new double[] {0, Double.NaN}, 1, 2, 2, 2, Upsampling.BICUBIC))
        .hasMessageContaining("finite");
  }

  static double[] random(int n, long seed) {
    Random rng = new Random(seed);
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = rng.nextDouble() * 2 - 1;
    }
    return v;
  }
}
