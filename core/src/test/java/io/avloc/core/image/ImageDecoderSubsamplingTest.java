package io.avloc.core.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.avloc.core.artifact.PreprocessingContract;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * The decode for the network: header checked against the limits before any pixel is decoded,
 * sources over twice the input size decoded subsampled, and what that costs in fidelity.
 */
class ImageDecoderSubsamplingTest {

  private static final Path PHOTO = Path.of("src/test/resources/image/hay-field.jpg");

  /** The photo tiled (natural texture at its native scale) to width × height. */
  private static BufferedImage tiled(int width, int height) throws Exception {
    RgbImage photo = ImageDecoder.decode(Files.readAllBytes(PHOTO));
    BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    byte[] p = photo.pixels();
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int sx = x % photo.width();
        int sy = y % photo.height();
        // mirror every other tile so the seams stay natural
        if ((x / photo.width()) % 2 == 1) {
          sx = photo.width() - 1 - sx;
        }
        if ((y / photo.height()) % 2 == 1) {
          sy = photo.height() - 1 - sy;
        }
        int i = (sy * photo.width() + sx) * 3;
        out.setRGB(x, y, (p[i] & 0xff) << 16 | (p[i + 1] & 0xff) << 8 | (p[i + 2] & 0xff));
      }
    }
    return out;
  }

  private static byte[] encode(BufferedImage image, String format) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, format, out);
    return out.toByteArray();
  }

  @Test
  void theHeaderGivesFormatAndSizeWithoutDecoding() throws Exception {
    byte[] png = encode(new BufferedImage(300, 7, BufferedImage.TYPE_INT_RGB), "png");
    ImageDecoder.Header h = ImageDecoder.probe(png);
    assertThat(h.width()).isEqualTo(300);
    assertThat(h.height()).isEqualTo(7);
    assertThat(h.format()).isEqualTo(io.avloc.core.media.ImageFormat.PNG);
    ImageDecoder.Header j = ImageDecoder.probe(Files.readAllBytes(PHOTO));
    assertThat(j.format()).isEqualTo(io.avloc.core.media.ImageFormat.JPEG);
  }

  @Test
  void anImageOverTheLimitsIsRefusedBeforeDecoding() throws Exception {
    byte[] wide = encode(new BufferedImage(9000, 2, BufferedImage.TYPE_BYTE_GRAY), "png");
    assertThatThrownBy(() -> ImageDecoder.decodeFor(wide, 160, 160, ImageLimits.DEFAULT))
        .isInstanceOfSatisfying(
            ImageDecodeException.class,
            e -> assertThat(e.problem()).isEqualTo(ImageDecodeException.Problem.TOO_LARGE))
        .hasMessageContaining("9000x2 pixels, over avloc's image limits (8192x8192")
        .hasMessageContaining("downscale");
    ImageLimits few = new ImageLimits(100, 100, 50);
    byte[] small = encode(new BufferedImage(10, 10, BufferedImage.TYPE_BYTE_GRAY), "png");
    assertThatThrownBy(() -> ImageDecoder.decodeFor(small, 4, 4, few))
        .hasMessageContaining("10x10 pixels");
  }

  @Test
  void subsamplingKeepsAtLeastFourTimesTheTarget() {
    assertThat(ImageDecoder.subsampling(1280, 160)).isEqualTo(2);
    assertThat(ImageDecoder.subsampling(639, 160)).isEqualTo(1);
    assertThat(ImageDecoder.subsampling(1920, 160)).isEqualTo(3);
    assertThat(ImageDecoder.subsampling(7680, 224)).isEqualTo(8);
    for (int source = 1; source < 9000; source += 7) {
      int k = ImageDecoder.subsampling(source, 160);
      assertThat((source + k - 1) / k).isGreaterThanOrEqualTo(Math.min(source, 640));
    }
  }

  @Test
  void smallImagesDecodeExactlyAsBefore() throws Exception {
    byte[] jpeg = Files.readAllBytes(PHOTO);
    RgbImage full = ImageDecoder.decode(jpeg);
    // a source at most four times the target decodes in full
    int target = (Math.max(full.width(), full.height()) + 3) / 4;
    RgbImage forTarget = ImageDecoder.decodeFor(jpeg, target, target, ImageLimits.DEFAULT);
    assertThat(forTarget.width()).isEqualTo(full.width());
    assertThat(forTarget.pixels()).isEqualTo(full.pixels());
  }

  /**
   * The deviation of the subsampled decode, on the model input: a 1920×1080 frame (the photo's
   * texture at its native scale) to the lite preset's 160 × 160, JPEG and PNG.
   */
  @Test
  void aLargeFrameDecodedSubsampledStaysCloseToTheFullDecode() throws Exception {
    BufferedImage big = tiled(1920, 1080);
    PreprocessingContract contract = PreprocessingContract.standard(160);
    for (String format : new String[] {"jpeg", "png"}) {
      byte[] encoded = encode(big, format);
      RgbImage sub = contract.decodeFrame(encoded);
      assertThat(sub.width()).isEqualTo(640); // k = 3
      assertThat(sub.height()).isEqualTo(1080); // k = 1
      float[] fast = contract.images().preprocess(sub);
      float[] exact = contract.images().preprocess(ImageDecoder.decode(encoded));
      double[] diff = new double[exact.length];
      double sum = 0;
      for (int i = 0; i < exact.length; i++) {
        diff[i] = Math.abs(fast[i] - exact[i]);
        sum += diff[i];
      }
      Arrays.sort(diff);
      double mean = sum / diff.length;
      double p99 = diff[(int) (0.99 * (diff.length - 1))];
      System.out.printf(
          Locale.ROOT,
          "subsampled %s 1920x1080 -> 160: mean |diff| %.4f, p99 %.4f, max %.4f (normalised)%n",
          format,
          mean,
          p99,
          diff[diff.length - 1]);
      // Normalised units: one 8-bit level is about 0.017.
      assertThat(mean).isLessThan(0.03);
      assertThat(p99).isLessThan(0.2);
    }
  }
}
