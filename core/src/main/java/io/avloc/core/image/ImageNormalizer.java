package io.avloc.core.image;

import java.util.Objects;

/**
 * Turns 8-bit RGB into the network's float input: each sample v becomes {@code (v / 255 − mean[c])
 * / std[c]}, written channel-major ("CHW": all R values row by row, then all G, then all B), ready
 * for a DJL {@code NDArray} of shape (3, H, W).
 *
 * <p>The arithmetic is float32 in torchvision's order ({@code ToTensor}: {@code v / 255f}; {@code
 * Normalize}: subtract the float32 mean, then divide by the float32 std), so the values are
 * bit-identical to the PyTorch pipeline. A 256-entry table per channel holds them.
 */
public final class ImageNormalizer {

  /** ImageNet channel means (R, G, B) of [0,1] pixel values. */
  public static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};

  /** ImageNet channel standard deviations (R, G, B) of [0,1] pixel values. */
  public static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};

  /** The normalization of the reference training and test pipelines. */
  public static final ImageNormalizer IMAGENET = new ImageNormalizer(IMAGENET_MEAN, IMAGENET_STD);

  private final float[][] table = new float[3][256];

  /**
   * @param mean per-channel mean (R, G, B) in [0,1] units
   * @param std per-channel standard deviation (R, G, B) in [0,1] units, all positive
   */
  public ImageNormalizer(float[] mean, float[] std) {
    Objects.requireNonNull(mean, "mean");
    Objects.requireNonNull(std, "std");
    if (mean.length != 3 || std.length != 3) {
      throw new IllegalArgumentException("mean and std need 3 values (R, G, B)");
    }
    for (int c = 0; c < 3; c++) {
      if (!(std[c] > 0) || !Float.isFinite(mean[c])) {
        throw new IllegalArgumentException(
            "std must be positive and mean finite, got mean " + mean[c] + ", std " + std[c]);
      }
      for (int v = 0; v < 256; v++) {
        float unit = v / 255f;
        table[c][v] = (unit - mean[c]) / std[c];
      }
    }
  }

  /** The normalized value of 8-bit sample {@code value} (0..255) of channel {@code c}. */
  public float normalize(int c, int value) {
    return table[c][value];
  }

  /** The 256 normalized values of channel {@code c}, indexed by the 8-bit sample (not a copy). */
  float[] table(int c) {
    return table[c];
  }

  /** The whole image as a new {@code float[3 * H * W]} in CHW order. */
  public float[] toChw(RgbImage image) {
    float[] out = new float[3 * image.width() * image.height()];
    toChw(image, 0, 0, image.width(), image.height(), false, out, 0);
    return out;
  }

  /**
   * Writes a rectangle of {@code image}, optionally mirrored left-right, into {@code dst} as CHW
   * floats: {@code dst[offset + (c * height + y) * width + x]}. Lets a batch be filled in place.
   *
   * @param left column of the rectangle's left edge in {@code image}
   * @param top row of the rectangle's top edge
   * @param mirrored if true, output column x reads column {@code left + width − 1 − x}
   */
  public void toChw(
      RgbImage image,
      int left,
      int top,
      int width,
      int height,
      boolean mirrored,
      float[] dst,
      int offset) {
    Objects.checkFromIndexSize(left, width, image.width());
    Objects.checkFromIndexSize(top, height, image.height());
    int plane = width * height;
    Objects.checkFromIndexSize(offset, 3 * plane, dst.length);
    byte[] px = image.pixels();
    int stride = image.width() * 3;
    float[] r = table[0];
    float[] g = table[1];
    float[] b = table[2];
    int o = offset;
    for (int y = 0; y < height; y++) {
      int row = (top + y) * stride;
      int p = row + (mirrored ? (left + width - 1) * 3 : left * 3);
      int step = mirrored ? -3 : 3;
      for (int x = 0; x < width; x++, o++, p += step) {
        dst[o] = r[px[p] & 0xff];
        dst[o + plane] = g[px[p + 1] & 0xff];
        dst[o + 2 * plane] = b[px[p + 2] & 0xff];
      }
    }
  }
}
