package io.avloc.core.heatmap;

import java.util.Objects;

/**
 * Resizes a map like PyTorch's {@code F.interpolate} on a (1, 1, h, w) tensor (docs/methods.md §5
 * step 2). Any sizes work, including downsampling and unequal axes; the reference only ever goes
 * from 7×7 to 224×224.
 *
 * <p>Both modes are separable: each output pixel is a weighted sum over input columns (x) of
 * weighted sums over input rows, computed x first, then y, in the same order as PyTorch's CPU
 * kernels.
 */
public final class HeatmapUpsampler {
  /** The cubic convolution constant PyTorch uses (OpenCV's value; PIL uses −0.5). */
  public static final double CUBIC_A = -0.75;

  private HeatmapUpsampler() {}

  /**
   * Resizes {@code map} of shape (height, width) to (outHeight, outWidth).
   *
   * @param map row-major input, {@code height·width} finite values
   * @return a new row-major array of {@code outHeight·outWidth} values
   */
  public static double[] upsample(
      double[] map, int height, int width, int outHeight, int outWidth, Upsampling mode) {
    Objects.requireNonNull(mode, "mode");
    MapShapes.require(map, height, width, "map");
    MapShapes.requirePositive(outHeight, outWidth, "output");
    Taps xs = Taps.of(width, outWidth, mode);
    Taps ys = Taps.of(height, outHeight, mode);

    // Pass 1: along x for every input row -> (height, outWidth).
    double[] rows = new double[height * outWidth];
    for (int y = 0; y < height; y++) {
      int in = y * width;
      int out = y * outWidth;
      for (int ox = 0; ox < outWidth; ox++) {
        rows[out + ox] = xs.apply(ox, map, in, 1);
      }
    }
    // Pass 2: along y for every output column -> (outHeight, outWidth).
    double[] result = new double[outHeight * outWidth];
    for (int oy = 0; oy < outHeight; oy++) {
      int out = oy * outWidth;
      for (int ox = 0; ox < outWidth; ox++) {
        result[out + ox] = ys.apply(oy, rows, ox, outWidth);
      }
    }
    return result;
  }

  /** {@link #upsample(double[], int, int, int, int, Upsampling)} for a float32 map. */
  public static double[] upsample(
      float[] map, int height, int width, int outHeight, int outWidth, Upsampling mode) {
    return upsample(MapShapes.toDouble(map), height, width, outHeight, outWidth, mode);
  }

  /**
   * The cubic convolution kernel W(d) with A = −0.75 (Keys): {@code (A+2)|d|³ − (A+3)|d|² + 1} for
   * |d| ≤ 1, {@code A|d|³ − 5A|d|² + 8A|d| − 4A} for 1 < |d| < 2, 0 otherwise.
   */
  static double cubicWeight(double d) {
    double x = Math.abs(d);
    if (x <= 1) {
      return ((CUBIC_A + 2) * x - (CUBIC_A + 3)) * x * x + 1;
    }
    if (x < 2) {
      return ((CUBIC_A * x - 5 * CUBIC_A) * x + 8 * CUBIC_A) * x - 4 * CUBIC_A;
    }
    return 0;
  }

  /** For one axis: the input indices and weights that make each output position. */
  private record Taps(int count, int[] index, double[] weight) {

    static Taps of(int in, int out, Upsampling mode) {
      return switch (mode) {
        case BILINEAR_ALIGN_CORNERS -> linearAlignCorners(in, out);
        case BICUBIC -> cubicHalfPixel(in, out);
      };
    }

    private static Taps linearAlignCorners(int in, int out) {
      int[] index = new int[2 * out];
      double[] weight = new double[2 * out];
      for (int o = 0; o < out; o++) {
        // dst·(in−1)/(out−1) rather than PyTorch's precomputed scale·dst: identical up to
        // rounding, and exact at the last pixel, so corners are preserved bit for bit.
        double src = out > 1 ? (double) o * (in - 1) / (out - 1) : 0;
        int i0 = (int) src;
        int step = i0 < in - 1 ? 1 : 0;
        double lambda1 = src - i0;
        index[2 * o] = i0;
        index[2 * o + 1] = i0 + step;
        weight[2 * o] = 1 - lambda1;
        weight[2 * o + 1] = lambda1;
      }
      return new Taps(2, index, weight);
    }

    private static Taps cubicHalfPixel(int in, int out) {
      double scale = (double) in / out;
      int[] index = new int[4 * out];
      double[] weight = new double[4 * out];
      for (int o = 0; o < out; o++) {
        // Unlike bilinear with align_corners=False, PyTorch does not clamp a negative source
        // coordinate for bicubic; the border is handled by clamping the tap indices instead.
        double src = scale * (o + 0.5) - 0.5;
        int i = (int) Math.floor(src);
        double t = src - i;
        for (int k = 0; k < 4; k++) {
          index[4 * o + k] = Math.min(Math.max(i - 1 + k, 0), in - 1);
        }
        weight[4 * o] = cubicWeight(t + 1);
        weight[4 * o + 1] = cubicWeight(t);
        weight[4 * o + 2] = cubicWeight(1 - t);
        weight[4 * o + 3] = cubicWeight(2 - t);
      }
      return new Taps(4, index, weight);
    }

    /** Σ_k weight_k · data[offset + index_k · stride] for output position {@code o}. */
    double apply(int o, double[] data, int offset, int stride) {
      int base = count * o;
      double sum = 0;
      for (int k = 0; k < count; k++) {
        sum += weight[base + k] * data[offset + index[base + k] * stride];
      }
      return sum;
    }
  }
}
