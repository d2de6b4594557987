package io.avloc.core.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ImageNormalizerTest {

  private final ImageNormalizer imagenet = ImageNormalizer.IMAGENET;

  /** A 3x2 image whose sample at (x, y, c) is 10 * (y * 3 + x) + c. */
  private static RgbImage numbered() {
    byte[] px = new byte[3 * 2 * 3];
    for (int i = 0; i < 6; i++) {
      for (int c = 0; c < 3; c++) {
        px[i * 3 + c] = (byte) (10 * i + c);
      }
    }
    return new RgbImage(3, 2, px);
  }

  @Test
  void givesTheFloat32ValuesOfTorchvisionToTensorAndNormalize() {
    // numpy float32: (np.float32(v) / np.float32(255) - mean) / std
    assertThat(imagenet.normalize(0, 0)).isEqualTo(-0x1.0f177ap+1f);
    assertThat(imagenet.normalize(1, 0)).isEqualTo(-0x1.049248p+1f);
    assertThat(imagenet.normalize(2, 0)).isEqualTo(-0x1.cdf012p+0f);
    assertThat(imagenet.normalize(0, 128)).isEqualTo(0x1.2f5e64p-4f);
    assertThat(imagenet.normalize(1, 128)).isEqualTo(0x1.a4369p-3f);
    assertThat(imagenet.normalize(2, 128)).isEqualTo(0x1.b4ba78p-2f);
    assertThat(imagenet.normalize(0, 255)).isEqualTo(0x1.1fdc3ap+1f);
    assertThat(imagenet.normalize(1, 255)).isEqualTo(0x1.36db6ep+1f);
    assertThat(imagenet.normalize(2, 255)).isEqualTo(0x1.51eb86p+1f);
  }

  @Test
  void writesChannelMajorPlanesInRgbOrder() {
    RgbImage image = numbered();

    float[] chw = imagenet.toChw(image);

    assertThat(chw).hasSize(3 * 2 * 3);
    for (int c = 0; c < 3; c++) {
      for (int y = 0; y < 2; y++) {
        for (int x = 0; x < 3; x++) {
          assertThat(chw[(c * 2 + y) * 3 + x])
              .as("c=%d y=%d x=%d", c, y, x)
              .isEqualTo(imagenet.normalize(c, image.sample(x, y, c)));
        }
      }
    }
  }

  @Test
  void mirroredRectangleReadsItsColumnsRightToLeft() {
    RgbImage image = numbered();
    float[] plain = new float[3 * 2 * 2];
    float[] mirrored = new float[3 * 2 * 2];

    imagenet.toChw(image, 1, 0, 2, 2, false, plain, 0);
    imagenet.toChw(image, 1, 0, 2, 2, true, mirrored, 0);

    assertThat(plain[0]).isEqualTo(imagenet.normalize(0, image.sample(1, 0, 0)));
    for (int c = 0; c < 3; c++) {
      for (int y = 0; y < 2; y++) {
        for (int x = 0; x < 2; x++) {
          assertThat(mirrored[(c * 2 + y) * 2 + x]).isEqualTo(plain[(c * 2 + y) * 2 + (1 - x)]);
        }
      }
    }
  }

  @Test
  void fillsABatchBufferAtTheGivenOffsetOnly() {
    float[] batch = new float[2 * 18];

    imagenet.toChw(numbered(), 0, 0, 3, 2, false, batch, 18);

    assertThat(java.util.Arrays.copyOf(batch, 18)).containsOnly(0f);
    assertThat(java.util.Arrays.copyOfRange(batch, 18, 36)).isEqualTo(imagenet.toChw(numbered()));
  }

  @Test
  void rejectsARectangleOutsideTheImageOrBuffer() {
    assertThatThrownBy(() -> imagenet.toChw(numbered(), 2, 0, 2, 2, false, new float[12], 0))
        .isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> imagenet.toChw(numbered(), 0, 0, 3, 2, false, new float[17], 0))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void rejectsAStandardDeviationThatIsNotPositive() {
    assertThatThrownBy(() -> new ImageNormalizer(new float[3], new float[] {1, 0, 1}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("std must be positive");
  }
}
