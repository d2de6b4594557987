package io.avloc.core.image;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bicubic resize of 8-bit RGB images that reproduces PIL's {@code Image.resize(size,
 * Image.BICUBIC)} (without {@code box} or {@code reducing_gap}, as torchvision calls it).
 *
 * <p>The algorithm (Pillow's convolution resampling, implemented here from its description):
 *
 * <ul>
 *   <li>Separable: a horizontal pass, then a vertical pass, each skipped when that dimension is
 *       unchanged. Both passes work on 8-bit data: the horizontal result is rounded and clamped to
 *       0..255 before the vertical pass reads it.
 *   <li>Keys cubic kernel with a = −0.5, support 2. When <i>downscaling</i> by a factor s &gt; 1
 *       along an axis the kernel is stretched by s (support 2·s), which low-pass filters the input
 *       (antialiasing); when upscaling it is not stretched.
 *   <li>Output pixel i samples around centre (i + 0.5)·s in input coordinates. Taps falling outside
 *       the image are dropped and the remaining weights are renormalized to sum to 1, so edges are
 *       neither darkened nor mirrored.
 *   <li>Weights are fixed point with 22 fractional bits (rounded half away from zero); each output
 *       is the sum of weight × sample plus one half, shifted right by 22 and clamped to 0..255.
 * </ul>
 *
 * <p><b>Agreement with PIL:</b> matches Pillow 9.4 bit for bit (max abs difference 0, 0 differing
 * values) on every reference case in {@code src/test/resources/image/}: the 480×360 test photo to
 * 224×224, 112×112 and 328×246 (the training shorter-side resize), an upscale, a mixed up/down
 * scale and random-noise images; see {@code PilAgreementTest}. Only Pillow 9.4 was compared; other
 * Pillow releases may round differently.
 *
 * <p>Weight tables depend only on (input size, output size) and are cached, so a stream of
 * same-sized frames computes them once. Each thread keeps its working arrays between calls (about 6
 * MiB for a 640×480 input; inputs needing more than 16 MiB per array set are not kept).
 * Thread-safe.
 */
public final class BicubicResizer {

  /** Fractional bits of the fixed-point weights: leaves room for 8-bit samples and overshoot. */
  static final int PRECISION_BITS = 32 - 8 - 2;

  private static final double A = -0.5;
  private static final double SUPPORT = 2.0;
  private static final int HALF = 1 << (PRECISION_BITS - 1);
  private static final int MAX_CACHED_TABLES = 256;
  private static final Map<Long, Weights> CACHE = new ConcurrentHashMap<>();

  private BicubicResizer() {}

  /**
   * Resizes {@code src} to {@code width}×{@code height} (aspect not preserved).
   *
   * @return a new image; {@code src} itself when the size is unchanged
   */
  public static RgbImage resize(RgbImage src, int width, int height) {
    Objects.requireNonNull(src, "src");
    checkSize(width, height);
    if (width == src.width() && height == src.height()) {
      return src;
    }
    byte[] out = new byte[width * height * 3];
    resample(
        src,
        width,
        height,
        (c, y, values) -> {
          for (int x = 0, o = y * width * 3 + c; x < width; x++, o += 3) {
            out[o] = (byte) values[x];
          }
        });
    return new RgbImage(width, height, out);
  }

  /**
   * Resizes {@code src} to {@code width}×{@code height} and writes it normalized, in CHW order,
   * into {@code dst} from {@code offset}: the same values as {@code normalizer.toChw(resize(src,
   * width, height))} without the intermediate image.
   */
  static void resizeToChw(
      RgbImage src, int width, int height, ImageNormalizer normalizer, float[] dst, int offset) {
    Objects.requireNonNull(src, "src");
    checkSize(width, height);
    int plane = width * height;
    Objects.checkFromIndexSize(offset, 3 * plane, dst.length);
    resample(
        src,
        width,
        height,
        (c, y, values) -> {
          float[] table = normalizer.table(c);
          for (int x = 0, o = offset + c * plane + y * width; x < width; x++, o++) {
            dst[o] = table[values[x]];
          }
        });
  }

  private static void checkSize(int width, int height) {
    if (width < 1 || height < 1) {
      throw new IllegalArgumentException(
          "target size must be at least 1x1, got " + width + "x" + height);
    }
  }

  /** Receives one output row of one channel: {@code values[0 .. width)}, each 0..255. */
  private interface RowSink {
    void row(int channel, int y, int[] values);
  }

  /**
   * Both passes, on planar int copies of the channels laid out so that every inner loop is {@code
   * acc[i] += run[i] * w} over whole arrays, which the JIT vectorizes (it does not when the runs
   * are slices of one array at variable offsets). The horizontal pass therefore reads the input
   * transposed, one array per input column and channel, and accumulates whole columns; the vertical
   * pass accumulates whole rows. The integer sums, roundings and clamps are those of the per-pixel
   * definition, so the result is unchanged.
   */
  private static void resample(RgbImage src, int outWidth, int outHeight, RowSink sink) {
    int inWidth = src.width();
    int inHeight = src.height();
    boolean horizontal = outWidth != inWidth;
    boolean vertical = outHeight != inHeight;
    Weights rows = vertical ? weights(inHeight, outHeight) : null;
    // Only the input rows the vertical pass will read need a horizontal pass.
    int firstRow = vertical ? rows.start[0] : 0;
    int lastRow = vertical ? rows.start[outHeight - 1] + rows.count[outHeight - 1] : inHeight;
    int n = lastRow - firstRow;
    Scratch scratch = Scratch.LOCAL.get();
    int[] acc = scratch.acc(outWidth);
    // The horizontally resized rows: mid[c * n + y][x], y counted from firstRow.
    int[][] mid = scratch.arrays(Scratch.ROWS, 3 * n, outWidth);
    if (horizontal) {
      // columns[c * inWidth + x][y] = input sample (x, firstRow + y, c)
      int[][] columns = scratch.arrays(Scratch.COLUMNS, 3 * inWidth, n);
      transposeToColumns(src, firstRow, n, columns);
      // the horizontal pass writes columns too: wide[c * outWidth + x][y]
      int[][] wide = scratch.arrays(Scratch.WIDE, 3 * outWidth, n);
      Weights cols = weights(inWidth, outWidth);
      for (int c = 0; c < 3; c++) {
        for (int x = 0; x < outWidth; x++) {
          int[] out = wide[c * outWidth + x];
          accumulate(
              out,
              n,
              columns,
              c * inWidth + cols.start[x],
              cols.fixed,
              x * cols.taps,
              cols.count[x]);
          clip8(out, n);
        }
      }
      transposeToRows(wide, outWidth, n, mid);
    } else {
      deinterleaveRows(src, firstRow, n, mid);
    }
    for (int c = 0; c < 3; c++) {
      for (int y = 0; y < outHeight; y++) {
        if (!vertical) {
          sink.row(c, y, mid[c * n + y]);
          continue;
        }
        accumulate(
            acc,
            outWidth,
            mid,
            c * n + rows.start[y] - firstRow,
            rows.fixed,
            y * rows.taps,
            rows.count[y]);
        clip8(acc, outWidth);
        sink.row(c, y, acc);
      }
    }
  }

  private static void transposeToColumns(RgbImage src, int firstRow, int n, int[][] columns) {
    byte[] in = src.pixels();
    int width = src.width();
    int stride = width * 3;
    final int block = 32; // rows per sweep: keeps the written column runs in cache
    for (int y0 = 0; y0 < n; y0 += block) {
      int y1 = Math.min(y0 + block, n);
      for (int x = 0; x < width; x++) {
        int[] r = columns[x];
        int[] g = columns[width + x];
        int[] b = columns[2 * width + x];
        for (int y = y0, p = (firstRow + y0) * stride + x * 3; y < y1; y++, p += stride) {
          r[y] = in[p] & 0xff;
          g[y] = in[p + 1] & 0xff;
          b[y] = in[p + 2] & 0xff;
        }
      }
    }
  }

  /** rows[c * n + y][x] = columns[c * width + x][y]. */
  private static void transposeToRows(int[][] columns, int width, int n, int[][] rows) {
    final int block = 16;
    for (int c = 0; c < 3; c++) {
      for (int y0 = 0; y0 < n; y0 += block) {
        int y1 = Math.min(y0 + block, n);
        for (int x = 0; x < width; x++) {
          int[] column = columns[c * width + x];
          for (int y = y0; y < y1; y++) {
            rows[c * n + y][x] = column[y];
          }
        }
      }
    }
  }

  private static void deinterleaveRows(RgbImage src, int firstRow, int n, int[][] mid) {
    byte[] in = src.pixels();
    int width = src.width();
    for (int y = 0; y < n; y++) {
      int[] r = mid[y];
      int[] g = mid[n + y];
      int[] b = mid[2 * n + y];
      for (int x = 0, p = (firstRow + y) * width * 3; x < width; x++, p += 3) {
        r[x] = in[p] & 0xff;
        g[x] = in[p + 1] & 0xff;
        b[x] = in[p + 2] & 0xff;
      }
    }
  }

  /**
   * acc[i] = HALF + Σ_t weights[k + t] · runs[first + t][i] for i in [0, length): the weighted sum
   * of {@code taps} consecutive runs. Four runs per sweep, so the accumulator is loaded and stored
   * a quarter as often.
   */
  private static void accumulate(
      int[] acc, int length, int[][] runs, int first, int[] weights, int k, int taps) {
    java.util.Arrays.fill(acc, 0, length, HALF);
    int t = 0;
    for (; t + 4 <= taps; t += 4) {
      int[] r0 = runs[first + t];
      int[] r1 = runs[first + t + 1];
      int[] r2 = runs[first + t + 2];
      int[] r3 = runs[first + t + 3];
      int w0 = weights[k + t];
      int w1 = weights[k + t + 1];
      int w2 = weights[k + t + 2];
      int w3 = weights[k + t + 3];
      for (int i = 0; i < length; i++) {
        acc[i] += r0[i] * w0 + r1[i] * w1 + r2[i] * w2 + r3[i] * w3;
      }
    }
    for (; t < taps; t++) {
      int[] r = runs[first + t];
      int w = weights[k + t];
      for (int i = 0; i < length; i++) {
        acc[i] += r[i] * w;
      }
    }
  }

  /**
   * Fixed-point sums to 0..255 in place: shift out the fraction, clamp the kernel's ringing.
   * Branch-free so that it vectorizes: {@code v & ~(v >> 31)} zeroes negatives, {@code (255 − v) >>
   * 31} is all ones above 255.
   */
  private static void clip8(int[] values, int length) {
    for (int i = 0; i < length; i++) {
      int v = values[i] >> PRECISION_BITS;
      values[i] = ((v & ~(v >> 31)) | ((255 - v) >> 31)) & 0xff;
    }
  }

  /**
   * Per-thread working arrays, reused across calls so that a stream of frames does not allocate
   * megabytes per frame. Sets above {@link #MAX_RETAINED} ints are allocated per call instead of
   * being kept.
   */
  private static final class Scratch {
    static final int MAX_RETAINED = 4 << 20; // ints per set: 16 MiB
    static final int COLUMNS = 0;
    static final int WIDE = 1;
    static final int ROWS = 2;
    static final ThreadLocal<Scratch> LOCAL = ThreadLocal.withInitial(Scratch::new);

    private final int[][][] sets = {new int[0][0], new int[0][0], new int[0][0]};
    private int[] acc = new int[0];

    /** At least {@code count} arrays of at least {@code length} ints each. */
    int[][] arrays(int set, int count, int length) {
      int[][] current = sets[set];
      if (current.length >= count && current.length > 0 && current[0].length >= length) {
        return current;
      }
      int[][] fresh = new int[count][length];
      if ((long) count * length <= MAX_RETAINED) {
        sets[set] = fresh;
      }
      return fresh;
    }

    int[] acc(int length) {
      if (acc.length < length) {
        acc = new int[length];
      }
      return acc;
    }
  }

  /** The resampling weights of one axis, from {@code inSize} samples to {@code outSize}. */
  static Weights weights(int inSize, int outSize) {
    long key = ((long) inSize << 32) | outSize;
    Weights w = CACHE.get(key);
    if (w == null) {
      w = new Weights(inSize, outSize);
      if (CACHE.size() >= MAX_CACHED_TABLES) {
        CACHE.clear(); // many distinct sizes: a plain reset beats an LRU for this use
      }
      CACHE.put(key, w);
    }
    return w;
  }

  /** Keys' cubic convolution kernel with a = −0.5 (Catmull-Rom), support [−2, 2]. */
  static double cubic(double x) {
    x = Math.abs(x);
    if (x < 1.0) {
      return ((A + 2.0) * x - (A + 3.0)) * x * x + 1;
    }
    if (x < 2.0) {
      return (((x - 5) * x + 8) * x - 4) * A;
    }
    return 0.0;
  }

  /**
   * Per output sample {@code i}: the first input sample {@code start[i]}, the number of taps {@code
   * count[i]}, and the weights {@code fixed[i * taps + t]} in fixed point with {@link
   * #PRECISION_BITS} fractional bits. The double arithmetic follows Pillow's order of operations so
   * that rounding to fixed point gives the same integers.
   */
  static final class Weights {
    final int outSize;
    final int taps;
    final int[] start;
    final int[] count;
    final int[] fixed;

    Weights(int inSize, int outSize) {
      this.outSize = outSize;
      double scale = (double) inSize / outSize;
      double filterScale = Math.max(scale, 1.0); // stretch the kernel only when downscaling
      double support = SUPPORT * filterScale;
      this.taps = (int) Math.ceil(support) * 2 + 1;
      this.start = new int[outSize];
      this.count = new int[outSize];
      this.fixed = new int[outSize * taps];
      double[] k = new double[taps];
      double invScale = 1.0 / filterScale;
      for (int i = 0; i < outSize; i++) {
        double center = (i + 0.5) * scale;
        int lo = Math.max((int) (center - support + 0.5), 0);
        int hi = Math.min((int) (center + support + 0.5), inSize);
        int n = hi - lo;
        double sum = 0.0;
        for (int t = 0; t < n; t++) {
          k[t] = cubic((t + lo - center + 0.5) * invScale);
          sum += k[t];
        }
        for (int t = 0; t < n; t++) {
          double v = sum != 0.0 ? k[t] / sum : k[t];
          fixed[i * taps + t] =
              (int) (v < 0 ? -0.5 + v * (1 << PRECISION_BITS) : 0.5 + v * (1 << PRECISION_BITS));
        }
        start[i] = lo;
        count[i] = n;
      }
    }
  }
}
