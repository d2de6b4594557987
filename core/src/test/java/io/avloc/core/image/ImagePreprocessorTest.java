package io.avloc.core.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class ImagePreprocessorTest {

  @Test
  void turnsJpegBytesIntoTheNormalizedPilResizeAt224() {
    RgbImage pil = ImageDecoder.decode(ImageFixtures.bytes("resize/photo-224x224.png"));

    float[] input = new ImagePreprocessor().preprocess(ImageFixtures.photoJpeg());

    assertThat(input).isEqualTo(ImageNormalizer.IMAGENET.toChw(pil));
  }

  @Test
  void squashesAnyAspectRatioToSizeBySizeWithoutCropping() {
    ImagePreprocessor preprocessor = new ImagePreprocessor();
    RgbImage tall = new RgbImage(30, 500, new byte[30 * 500 * 3]);

    assertThat(preprocessor.shape()).isEqualTo(new Shape(3, 224, 224));
    assertThat(preprocessor.resize(ImageFixtures.photo()))
        .extracting(RgbImage::width, RgbImage::height)
        .containsExactly(224, 224);
    assertThat(preprocessor.preprocess(tall)).hasSize(3 * 224 * 224);
  }

  @Test
  void supportsASmallerSizeForTheLiteNetwork() {
    RgbImage pil = ImageDecoder.decode(ImageFixtures.bytes("resize/photo-112x112.png"));
    ImagePreprocessor lite = new ImagePreprocessor(112);

    float[] input = lite.preprocess(ImageFixtures.photo());

    assertThat(lite.shape()).isEqualTo(new Shape(3, 112, 112));
    assertThat(input).isEqualTo(ImageNormalizer.IMAGENET.toChw(pil));
  }

  @Test
  void writesIntoABatchAtTheGivenOffset() {
    ImagePreprocessor lite = new ImagePreprocessor(16);
    float[] batch = new float[2 * 3 * 16 * 16];
    RgbImage photo = ImageFixtures.photo();

    lite.preprocess(photo, batch, 3 * 16 * 16);

    assertThat(java.util.Arrays.copyOfRange(batch, 3 * 16 * 16, batch.length))
        .isEqualTo(lite.preprocess(photo));
  }

  @Test
  void reportsBytesThatAreNotAnImage() {
    assertThatThrownBy(() -> new ImagePreprocessor().preprocess(new byte[] {1, 2, 3}))
        .isInstanceOf(ImageDecodeException.class)
        .hasMessageContaining("JPEG or PNG");
  }

  @Test
  void rejectsANonPositiveSize() {
    assertThatThrownBy(() -> new ImagePreprocessor(0)).isInstanceOf(IllegalArgumentException.class);
  }
}
