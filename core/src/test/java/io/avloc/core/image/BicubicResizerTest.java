package io.avloc.core.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Properties of the resize; bit-exactness against PIL is in {@link PilAgreementTest}. */
class BicubicResizerTest {

  private static RgbImage constant(int w, int h, int r, int g, int b) {
    byte[] px = new byte[w * h * 3];
    for (int i = 0; i < px.length; i += 3) {
      px[i] = (byte) r;
      px[i + 1] = (byte) g;
      px[i + 2] = (byte) b;
    }
    return new RgbImage(w, h, px);
  }

  @Test
  void keepsAFlatColourFlatAtEverySizeIncludingTheEdges() {
    RgbImage flat = constant(50, 30, 0, 128, 255);

    for (int[] size : new int[][] {{224, 224}, {7, 3}, {50, 97}, {1, 1}}) {
      RgbImage out = BicubicResizer.resize(flat, size[0], size[1]);
      assertThat(out.pixels()).isEqualTo(constant(size[0], size[1], 0, 128, 255).pixels());
    }
  }

  @Test
  void widensTheKernelByTheScaleFactorOnlyWhenDownscaling() {
    // support 2 when upscaling: 4 input pixels per output pixel away from the edges;
    // 480 -> 224 stretches it by 480/224 to 4.29: 8 or 9 input pixels
    int[] up = BicubicResizer.weights(100, 300).count;
    int[] down = BicubicResizer.weights(480, 224).count;

    assertThat(Arrays.copyOfRange(up, 6, 294)).containsOnly(4);
    assertThat(Arrays.copyOfRange(down, 2, 222)).containsOnly(8, 9);
  }

  @Test
  void weightsOfEachOutputSampleSumToOneInFixedPoint() {
    BicubicResizer.Weights w = BicubicResizer.weights(37, 61);

    for (int i = 0; i < 61; i++) {
      int sum = Arrays.stream(w.fixed, i * w.taps, (i + 1) * w.taps).sum();
      assertThat(sum).isCloseTo(1 << BicubicResizer.PRECISION_BITS, within(w.taps));
    }
  }

  private static RgbImage step(int dark, int bright) {
    byte[] px = new byte[8 * 3];
    Arrays.fill(px, 0, 12, (byte) dark);
    Arrays.fill(px, 12, 24, (byte) bright);
    return new RgbImage(8, 1, px);
  }

  @Test
  void ringsAtASharpEdgeAndClampsTheRingingTo0And255() {
    RgbImage soft = BicubicResizer.resize(step(60, 200), 32, 1);
    RgbImage hard = BicubicResizer.resize(step(0, 255), 32, 1);

    // the a = -0.5 kernel undershoots before the edge and overshoots after it (values from PIL)
    assertThat(soft.sample(12, 0, 0)).isEqualTo(50);
    assertThat(soft.sample(19, 0, 0)).isEqualTo(210);
    assertThat(hard.sample(12, 0, 0)).isZero();
    assertThat(hard.sample(19, 0, 0)).isEqualTo(255);
    assertThat(hard.sample(15, 0, 0)).isEqualTo(88);
  }

  @Test
  void returnsTheSameImageWhenTheSizeIsUnchanged() {
    RgbImage image = constant(5, 4, 1, 2, 3);

    assertThat(BicubicResizer.resize(image, 5, 4)).isSameAs(image);
  }

  @Test
  void rejectsAnEmptyTargetSize() {
    assertThatThrownBy(() -> BicubicResizer.resize(constant(2, 2, 0, 0, 0), 0, 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0x2");
  }
}
