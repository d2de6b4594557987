package io.avloc.core.image;

import java.util.Objects;

/**
 * An 8-bit RGB image: {@code height} rows of {@code width} pixels, each pixel three bytes in the
 * order R, G, B (interleaved, row-major, "HWC"). The byte at {@code (y * width + x) * 3 + c} is
 * channel {@code c} of the pixel in column {@code x}, row {@code y}, read as unsigned 0..255.
 *
 * <p>This is the layout of PIL's mode {@code "RGB"} and of {@code numpy.asarray(img)}, so a raw
 * dump from Python can be compared byte for byte.
 *
 * <p>The pixel array is shared, not copied: treat an {@code RgbImage} as immutable once built.
 */
public final class RgbImage {
  private final int width;
  private final int height;
  private final byte[] pixels;

  /**
   * Wraps interleaved RGB bytes.
   *
   * @param width columns, at least 1
   * @param height rows, at least 1
   * @param pixels exactly {@code width * height * 3} bytes (not copied)
   */
  public RgbImage(int width, int height, byte[] pixels) {
    Objects.requireNonNull(pixels, "pixels");
    if (width < 1 || height < 1) {
      throw new IllegalArgumentException(
          "image size must be at least 1x1, got " + width + "x" + height);
    }
    if ((long) width * height * 3 != pixels.length) {
      throw new IllegalArgumentException(
          "a "
              + width
              + "x"
              + height
              + " RGB image needs "
              + (long) width * height * 3
              + " bytes, got "
              + pixels.length);
    }
    this.width = width;
    this.height = height;
    this.pixels = pixels;
  }

  public int width() {
    return width;
  }

  public int height() {
    return height;
  }

  /** The interleaved RGB bytes (shared, not copied); see the class comment for the layout. */
  public byte[] pixels() {
    return pixels;
  }

  /** Channel {@code c} (0 = R, 1 = G, 2 = B) of pixel ({@code x}, {@code y}), 0..255. */
  public int sample(int x, int y, int c) {
    Objects.checkIndex(x, width);
    Objects.checkIndex(y, height);
    Objects.checkIndex(c, 3);
    return pixels[(y * width + x) * 3 + c] & 0xff;
  }

  /** A copy of the rectangle whose top-left pixel is ({@code left}, {@code top}). */
  public RgbImage crop(int left, int top, int cropWidth, int cropHeight) {
    Objects.checkFromIndexSize(left, cropWidth, width);
    Objects.checkFromIndexSize(top, cropHeight, height);
    byte[] out = new byte[cropWidth * cropHeight * 3];
    for (int y = 0; y < cropHeight; y++) {
      System.arraycopy(
          pixels, ((top + y) * width + left) * 3, out, y * cropWidth * 3, cropWidth * 3);
    }
    return new RgbImage(cropWidth, cropHeight, out);
  }

  @Override
  public String toString() {
    return "RgbImage[" + width + "x" + height + "]";
  }
}
