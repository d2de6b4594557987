package io.avloc.core.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.avloc.core.image.ImageDecodeException.Problem;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageDecoderTest {

  @TempDir Path dir;

  private static void assertProblem(Runnable decode, Problem problem, String... messageParts) {
    assertThatThrownBy(decode::run)
        .isInstanceOfSatisfying(
            ImageDecodeException.class,
            e -> {
              assertThat(e.problem()).isEqualTo(problem);
              if (messageParts.length > 0) {
                assertThat(e.getMessage()).contains(messageParts);
              }
            });
  }

  private static byte[] png(BufferedImage image) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertThat(ImageIO.write(image, "png", out)).isTrue();
    return out.toByteArray();
  }

  @Test
  void decodesAFileLikeItsBytes() throws IOException {
    Path file = dir.resolve("frame.jpg");
    Files.write(file, ImageFixtures.photoJpeg());

    RgbImage fromFile = ImageDecoder.decode(file);

    assertThat(fromFile.pixels()).isEqualTo(ImageFixtures.photo().pixels());
  }

  @Test
  void dropsAlphaWithoutCompositingOntoABackground() throws IOException {
    BufferedImage rgba = new BufferedImage(2, 1, BufferedImage.TYPE_4BYTE_ABGR);
    rgba.getRaster().setPixel(0, 0, new int[] {10, 20, 30, 0}); // fully transparent
    rgba.getRaster().setPixel(1, 0, new int[] {200, 100, 50, 128});

    RgbImage decoded = ImageDecoder.decode(png(rgba));

    assertThat(decoded.pixels()).containsExactly(10, 20, 30, 200, 100, 50);
  }

  @Test
  void takesTheHighByteOf16BitGrayWherePilWouldClip() throws IOException {
    BufferedImage gray16 = new BufferedImage(2, 1, BufferedImage.TYPE_USHORT_GRAY);
    gray16.getRaster().setSample(0, 0, 0, 0x1234);
    gray16.getRaster().setSample(1, 0, 0, 0xFF01);

    RgbImage decoded = ImageDecoder.decode(png(gray16));

    assertThat(decoded.pixels())
        .containsExactly(0x12, 0x12, 0x12, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF);
  }

  @Test
  void readsPackedIntImagesAndSubimagesOfInMemoryImages() {
    BufferedImage argb = new BufferedImage(3, 2, BufferedImage.TYPE_INT_ARGB);
    argb.setRGB(2, 1, 0x00_0A_14_1E);
    BufferedImage bgr = new BufferedImage(4, 3, BufferedImage.TYPE_3BYTE_BGR);
    bgr.getRaster().setPixel(3, 2, new int[] {1, 2, 3});

    RgbImage packed = ImageDecoder.toRgb(argb);
    RgbImage sub = ImageDecoder.toRgb(bgr.getSubimage(2, 1, 2, 2));

    assertThat(Arrays.copyOfRange(packed.pixels(), 15, 18)).containsExactly(10, 20, 30);
    assertThat(sub.width()).isEqualTo(2);
    assertThat(Arrays.copyOfRange(sub.pixels(), 9, 12)).containsExactly(1, 2, 3);
    assertThat(Arrays.copyOf(sub.pixels(), 9)).containsOnly(0);
  }

  @Test
  void namesAMissingFileAndSaysToCheckThePath() {
    Path missing = dir.resolve("no-such-frame.jpg");

    assertProblem(
        () -> ImageDecoder.decode(missing),
        Problem.UNREADABLE_FILE,
        missing.toString(),
        "does not exist",
        "check the path");
  }

  @Test
  void rejectsBytesThatAreNotAJpegOrPng() {
    byte[] text = "hello, world".getBytes(StandardCharsets.UTF_8);

    assertProblem(() -> ImageDecoder.decode(text), Problem.NOT_AN_IMAGE, "12 bytes", "JPEG or PNG");
    assertProblem(() -> ImageDecoder.decode(new byte[0]), Problem.NOT_AN_IMAGE, "empty");
  }

  @Test
  void rejectsATruncatedJpegInsteadOfFillingItWithGray() {
    byte[] jpeg = ImageFixtures.photoJpeg();

    assertProblem(
        () -> ImageDecoder.decode(Arrays.copyOf(jpeg, jpeg.length / 2)),
        Problem.TRUNCATED,
        "truncated",
        "re-copy or re-extract");
    assertProblem(() -> ImageDecoder.decode(Arrays.copyOf(jpeg, 100)), Problem.TRUNCATED);
  }

  @Test
  void rejectsATruncatedPng() {
    byte[] png = ImageFixtures.bytes("resize/photo-224x224.png");

    assertProblem(() -> ImageDecoder.decode(Arrays.copyOf(png, png.length / 2)), Problem.TRUNCATED);
  }

  @Test
  void rejectsAJpegWithDamagedContent() {
    byte[] jpeg = ImageFixtures.photoJpeg().clone();
    Arrays.fill(jpeg, 20, 600, (byte) 0x55); // overwrites the quantization and Huffman tables

    assertProblem(() -> ImageDecoder.decode(jpeg), Problem.CORRUPT, "damaged JPEG");
  }

  @Test
  void decodesNormallyAfterRejectingDamagedImages() {
    byte[] jpeg = ImageFixtures.photoJpeg();
    byte[] damaged = jpeg.clone();
    Arrays.fill(damaged, 20, 600, (byte) 0x55);

    for (byte[] bad : new byte[][] {damaged, Arrays.copyOf(jpeg, jpeg.length / 2)}) {
      assertThatThrownBy(() -> ImageDecoder.decode(bad)).isInstanceOf(ImageDecodeException.class);
      assertThat(ImageDecoder.decode(jpeg).pixels()).isEqualTo(ImageFixtures.photo().pixels());
    }
  }

  @Test
  void rejectsCmykJpegsAndSaysToReencodeAsRgb() {
    byte[] cmyk = ImageFixtures.bytes("modes/cmyk.jpg");

    assertProblem(() -> ImageDecoder.decode(cmyk), Problem.UNSUPPORTED, "RGB");
  }
}
