package io.avloc.core.audio;

import org.jtransforms.fft.DoubleFFT_1D;

/**
 * The papers' log spectrogram (docs/methods.md §1.1 steps 5–7): {@code scipy.signal.spectrogram(x,
 * fs, nperseg=512, noverlap=274)} with scipy's other defaults, then {@code ln(P + 1e-7) / 12}.
 *
 * <p>For frame {@code t} (input samples {@code [238 t, 238 t + 512)}):
 *
 * <ol>
 *   <li>subtract the segment's mean (scipy's {@code detrend='constant'}), then multiply by the
 *       periodic Tukey window, {@code alpha = 0.25} ({@link #window()});
 *   <li>{@code P[f] = |rfft(.)[f]|^2 / (fs * sum(w^2))}, for the 257 bins {@code f = 0..256}
 *       ({@code f * fs / 512} Hz), doubled for {@code f = 1..255} (one-sided density; DC and
 *       Nyquist are not doubled);
 *   <li>{@code S[f][t] = ln(P[f] + 1e-7) / 12}.
 * </ol>
 *
 * There are {@code T = floor((N - 274) / 238)} frames for N samples ({@link #frameCount}). All of
 * it is computed in double precision; only the final values are rounded to float32, as the papers
 * cast the tensor to float32 before the network. The logarithm is a table-driven one, within 1e-14
 * of {@link Math#log} and faster.
 *
 * <p>Differences from scipy: inputs shorter than 512 samples are rejected (scipy would shrink the
 * segment to the input length, with a warning).
 *
 * <p>Thread-safe: the window and scale are immutable and shared; every thread gets its own FFT plan
 * and work buffers through a {@link ThreadLocal}, so calls allocate nothing but their result (and
 * {@link #computeInto} not even that). Kafka Streams threads are long-lived, which suits this.
 */
public final class Spectrogram {

  /** Samples per segment (scipy {@code nperseg}), also the FFT length. */
  public static final int SEGMENT = 512;

  /** Samples shared by consecutive segments (scipy {@code noverlap}). */
  public static final int OVERLAP = 274;

  /** Hop between segment starts, samples. */
  public static final int HOP = SEGMENT - OVERLAP;

  /** One-sided frequency bins, {@code SEGMENT / 2 + 1}. */
  public static final int FREQUENCY_BINS = SEGMENT / 2 + 1;

  /** Shape parameter of scipy's default Tukey window. */
  public static final double TUKEY_ALPHA = 0.25;

  /** Added to the density before the logarithm. */
  public static final double LOG_OFFSET = 1e-7;

  /** The log density is divided by this ({@code Normalize(mean=[0], std=[12])}). */
  public static final double LOG_SCALE = 12.0;

  private static final double[] WINDOW = periodicTukey(SEGMENT, TUKEY_ALPHA);
  private static final double WINDOW_ENERGY = sumOfSquares(WINDOW);

  private final int sampleRate;
  private final double densityScale;
  private final ThreadLocal<Workspace> workspace = ThreadLocal.withInitial(Workspace::new);

  /**
   * @param sampleRate sample rate of the inputs, Hz; it sets the density scale {@code 1 / (fs *
   *     sum(w^2))}
   */
  public Spectrogram(int sampleRate) {
    if (sampleRate <= 0) {
      throw new IllegalArgumentException("sampleRate must be positive: " + sampleRate);
    }
    this.sampleRate = sampleRate;
    this.densityScale = 1.0 / (sampleRate * WINDOW_ENERGY);
  }

  public int sampleRate() {
    return sampleRate;
  }

  /**
   * Number of frames T for {@code samples} input samples: {@code floor((N - 274) / 238)}, 0 when N
   * < 512. For 3 s: 200 at 16 kHz, 276 at 22.05 kHz, 554 at 44.1 kHz, 603 at 48 kHz.
   */
  public static int frameCount(int samples) {
    return samples < SEGMENT ? 0 : (samples - OVERLAP) / HOP;
  }

  /** The periodic Tukey window, {@code alpha = 0.25}, 512 coefficients (a copy). */
  public static double[] window() {
    return WINDOW.clone();
  }

  /**
   * The log spectrogram.
   *
   * @param samples mono input at {@link #sampleRate()}, at least 512 samples
   * @return shape (1, 257, {@link #frameCount}(samples.length))
   */
  public LogSpectrogram compute(float[] samples) {
    float[] out = new float[FREQUENCY_BINS * checkedFrames(samples)];
    computeInto(samples, out);
    return new LogSpectrogram(out, out.length / FREQUENCY_BINS);
  }

  /**
   * The log spectrogram written into {@code out} (layout as {@link LogSpectrogram#data()}), for
   * callers that reuse their buffers.
   *
   * @param out exactly {@code 257 * frameCount(samples.length)} floats
   */
  public void computeInto(float[] samples, float[] out) {
    int frames = checkedFrames(samples);
    if (out.length != FREQUENCY_BINS * frames) {
      throw new IllegalArgumentException(
          "out holds " + out.length + " floats, need " + FREQUENCY_BINS * frames);
    }
    Workspace ws = workspace.get();
    for (int t = 0; t < frames; t++) {
      density(samples, t, ws);
      double[] p = ws.power;
      for (int f = 0; f < FREQUENCY_BINS; f++) {
        out[f * frames + t] = (float) (NaturalLog.ln(p[f] + LOG_OFFSET) / LOG_SCALE);
      }
    }
  }

  /**
   * The power spectral density P before the logarithm (scipy's {@code Sxx}), in units²/Hz, shape
   * (257, T), frequency-major like {@link LogSpectrogram#data()}. For checks and diagnostics.
   */
  public double[] powerSpectralDensity(float[] samples) {
    int frames = checkedFrames(samples);
    double[] out = new double[FREQUENCY_BINS * frames];
    Workspace ws = workspace.get();
    for (int t = 0; t < frames; t++) {
      density(samples, t, ws);
      for (int f = 0; f < FREQUENCY_BINS; f++) {
        out[f * frames + t] = ws.power[f];
      }
    }
    return out;
  }

  /** Fills {@code ws.power} with the one-sided density of frame {@code t}. */
  private void density(float[] x, int t, Workspace ws) {
    double[] seg = ws.segment;
    int from = t * HOP;
    double sum = 0;
    for (int i = 0; i < SEGMENT; i++) {
      double v = x[from + i];
      seg[i] = v;
      sum += v;
    }
    double mean = sum / SEGMENT;
    for (int i = 0; i < SEGMENT; i++) {
      seg[i] = (seg[i] - mean) * WINDOW[i];
    }
    ws.fft.realForward(seg);
    // JTransforms packs Re[0], Re[n/2], then Re[k], Im[k] for k = 1..n/2-1.
    double[] p = ws.power;
    p[0] = seg[0] * seg[0] * densityScale;
    p[SEGMENT / 2] = seg[1] * seg[1] * densityScale;
    double doubled = 2 * densityScale;
    for (int k = 1; k < SEGMENT / 2; k++) {
      double re = seg[2 * k];
      double im = seg[2 * k + 1];
      p[k] = (re * re + im * im) * doubled;
    }
  }

  private static int checkedFrames(float[] samples) {
    if (samples.length < SEGMENT) {
      throw new IllegalArgumentException(
          "a spectrogram needs at least " + SEGMENT + " samples, got " + samples.length);
    }
    return frameCount(samples.length);
  }

  /**
   * scipy's {@code tukey(m, alpha, sym=False)}: the symmetric window of {@code m + 1} points
   * without its last point, evaluated with scipy's expressions.
   */
  static double[] periodicTukey(int m, double alpha) {
    int len = m + 1;
    int width = (int) Math.floor(alpha * (len - 1) / 2.0);
    double[] w = new double[m];
    for (int n = 0; n < m; n++) {
      if (n <= width) {
        w[n] = 0.5 * (1 + Math.cos(Math.PI * (-1 + 2.0 * n / alpha / (len - 1))));
      } else if (n < len - width - 1) {
        w[n] = 1.0;
      } else {
        w[n] = 0.5 * (1 + Math.cos(Math.PI * (-2.0 / alpha + 1 + 2.0 * n / alpha / (len - 1))));
      }
    }
    return w;
  }

  private static double sumOfSquares(double[] w) {
    double s = 0;
    for (double v : w) {
      s += v * v;
    }
    return s;
  }

  /** Per-thread FFT plan and buffers. */
  private static final class Workspace {
    final DoubleFFT_1D fft = new DoubleFFT_1D(SEGMENT);
    final double[] segment = new double[SEGMENT];
    final double[] power = new double[FREQUENCY_BINS];
  }
}
