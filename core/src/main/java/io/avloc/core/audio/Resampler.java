package io.avloc.core.audio;

import io.avloc.core.media.MediaLimits;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Band-limited sample-rate conversion by a rational factor, with a Kaiser-windowed sinc kernel.
 *
 * <p><b>Deviation from the papers (docs/methods.md §1.1 step 1):</b> the papers keep every file at
 * its native sample rate, so the number of spectrogram frames and the frequency axis vary with the
 * rate. avloc resamples everything to one rate ({@link AudioPreprocessor#SAMPLE_RATE}, 16 kHz)
 * before the window selection, as docs/methods.md §1.1 recommends for the Java port.
 *
 * <h2>Filter</h2>
 *
 * Output sample {@code k} lies at input position {@code k * in / out}; it is the sum of the input
 * samples weighted by {@code h(t) = sinc(fc t) * kaiser(t / W)} at their distance {@code t} (in
 * input samples), where {@code fc = 0.9 * min(1, out / in)} is the cut-off relative to the input
 * Nyquist rate, {@code W = 32 / fc} (32 zero crossings each side) and the Kaiser window has {@code
 * beta = 10}. Each set of weights is normalised to sum to 1 so that a constant passes unchanged.
 * Response of the kernel for 48 kHz → 16 kHz: flat within 0.0001 dB up to 6.4 kHz, -0.1 dB at about
 * 6.7 kHz, -3 dB at about 7.08 kHz, at least 100 dB of attenuation at and above the new Nyquist
 * frequency (8 kHz); the tests measure 101.9 dB for a tone at 8.2 kHz from 44.1 kHz and 117.9 dB at
 * 12 kHz from 48 kHz. Consequence for the spectrogram: for resampled audio the top bins (above
 * about bin 215, 6.7 kHz) are attenuated, while audio recorded at 16 kHz keeps them. The kernel is
 * symmetric, so there is no delay: output sample {@code k} is at time {@code k / out} seconds after
 * the first input sample.
 *
 * <p>Samples before the first and after the last input sample count as zero. Equal rates are an
 * exact copy (no filtering).
 *
 * <p>Weights are precomputed per phase ({@code out / gcd(in, out)} phases) when the table is small
 * (every common rate: 8, 11.025, 12, 22.05, 24, 32, 44.1, 48, 88.2, 96 kHz); for unusual rates
 * (e.g. 44 101 Hz, with 16 000 phases) they are computed for each output sample instead, which is
 * slower but gives the same values.
 *
 * <p>Instances are immutable and thread-safe; {@link #of} caches them. A {@link Stream} converts a
 * signal that arrives in chunks and is confined to one thread.
 */
public final class Resampler {

  /** Lowest supported rate, in Hz. */
  public static final int MIN_RATE = MediaLimits.MIN_SAMPLE_RATE;

  /** Highest supported rate, in Hz. */
  public static final int MAX_RATE = MediaLimits.MAX_SAMPLE_RATE;

  static final int ZERO_CROSSINGS = 32;
  static final double KAISER_BETA = 10.0;
  static final double ROLLOFF = 0.9;

  /** Largest per-phase weight table kept in memory (doubles). */
  static final int MAX_TABLE_SIZE = 1 << 20;

  private static final Map<Long, Resampler> CACHE = new ConcurrentHashMap<>();

  private final int inputRate;
  private final int outputRate;
  private final int up; // L: output rate / gcd
  private final int down; // M: input rate / gcd
  private final int halfTaps; // K: taps at offsets -K..K around the centre
  private final double cutoff; // fc, relative to the input Nyquist rate
  private final double halfWidth; // W, input samples
  private final double kaiserNorm; // I0(beta)
  private final double[][] table; // [phase][m + K], or null to compute per output sample

  Resampler(int inputRate, int outputRate, int maxTableSize) {
    checkRate("input", inputRate);
    checkRate("output", outputRate);
    this.inputRate = inputRate;
    this.outputRate = outputRate;
    int g = gcd(inputRate, outputRate);
    this.up = outputRate / g;
    this.down = inputRate / g;
    this.cutoff = ROLLOFF * Math.min(1.0, (double) up / down);
    this.halfWidth = ZERO_CROSSINGS / cutoff;
    this.halfTaps = (int) Math.ceil(halfWidth);
    this.kaiserNorm = besselI0(KAISER_BETA);
    int taps = 2 * halfTaps + 1;
    if (inputRate != outputRate && (long) up * taps <= maxTableSize) {
      table = new double[up][taps];
      for (int phase = 0; phase < up; phase++) {
        weights(phase, table[phase]);
      }
    } else {
      table = null;
    }
  }

  /**
   * The converter between two rates, both in [{@value #MIN_RATE}, {@value #MAX_RATE}] Hz.
   *
   * @throws IllegalArgumentException if a rate is out of range
   */
  public static Resampler of(int inputRate, int outputRate) {
    checkRate("input", inputRate);
    checkRate("output", outputRate);
    return CACHE.computeIfAbsent(
        ((long) inputRate << 32) | outputRate,
        key -> new Resampler(inputRate, outputRate, MAX_TABLE_SIZE));
  }

  /** The clip at {@code outputRate} (the same instance if it is already at that rate). */
  public static AudioClip toRate(AudioClip clip, int outputRate) {
    if (clip.sampleRate() == outputRate) {
      return clip;
    }
    return of(clip.sampleRate(), outputRate).resample(clip);
  }

  public int inputRate() {
    return inputRate;
  }

  public int outputRate() {
    return outputRate;
  }

  /** Output length for {@code inputLength} input samples: {@code round(n * out / in)}. */
  public long outputLength(long inputLength) {
    // round half up, exactly, in integers
    return (2 * inputLength * up + down) / (2L * down);
  }

  /**
   * Converts a whole signal.
   *
   * @param samples input samples at {@link #inputRate()}
   * @return {@link #outputLength} samples at {@link #outputRate()}; a copy when the rates are equal
   */
  public float[] resample(float[] samples) {
    Stream s = newStream();
    float[] body = s.push(samples);
    float[] tail = s.finish();
    float[] out = Arrays.copyOf(body, body.length + tail.length);
    System.arraycopy(tail, 0, out, body.length, tail.length);
    return out;
  }

  /** Converts a clip recorded at {@link #inputRate()}. */
  public AudioClip resample(AudioClip clip) {
    if (clip.sampleRate() != inputRate) {
      throw new IllegalArgumentException(
          "clip is at " + clip.sampleRate() + " Hz, this resampler converts from " + inputRate);
    }
    return new AudioClip(resample(clip.samples()), outputRate);
  }

  /** Starts converting a signal that arrives in chunks. */
  public Stream newStream() {
    return new Stream();
  }

  /**
   * Chunk-by-chunk conversion of one signal. Pushing the signal in any split and then calling
   * {@link #finish()} yields exactly the samples of {@link Resampler#resample(float[])}. Each
   * output sample is emitted as soon as the input it depends on has arrived (about 2 ms of audio
   * after its own time, {@code ceil(W)} input samples).
   *
   * <p>Not thread-safe: one stream per signal, used by one thread at a time.
   */
  public final class Stream {
    private float[] buffer = new float[0]; // input samples from absolute index bufferStart on
    private long bufferStart;
    private int buffered;
    private long consumed; // input samples received
    private long produced; // output samples emitted
    private boolean finished;
    private final double[] scratch = table == null ? new double[2 * halfTaps + 1] : null;

    private Stream() {}

    /** Input samples received so far. */
    public long inputCount() {
      return consumed;
    }

    /** Output samples emitted so far; sample {@code k} is at {@code k / outputRate} seconds. */
    public long outputCount() {
      return produced;
    }

    /** Feeds the next input samples; returns the output samples they complete (maybe none). */
    public float[] push(float[] samples) {
      return push(samples, 0, samples.length);
    }

    /** Feeds {@code samples[offset, offset + length)}; see {@link #push(float[])}. */
    public float[] push(float[] samples, int offset, int length) {
      if (finished) {
        throw new IllegalStateException("push after finish");
      }
      if (inputRate == outputRate) {
        consumed += length;
        produced += length;
        return Arrays.copyOfRange(samples, offset, offset + length);
      }
      append(samples, offset, length);
      // Output k needs input up to floor(k * M / L) + K, i.e. k < (consumed - K) * L / M.
      long ready = consumed - halfTaps <= 0 ? 0 : ceilDiv((consumed - halfTaps) * up, down);
      return emit(ready);
    }

    /**
     * Ends the signal (zeros follow it) and returns the remaining output samples, so that the total
     * is {@link Resampler#outputLength} of the input received.
     */
    public float[] finish() {
      if (finished) {
        throw new IllegalStateException("finish called twice");
      }
      finished = true;
      if (inputRate == outputRate) {
        return new float[0];
      }
      return emit(outputLength(consumed));
    }

    private void append(float[] samples, int offset, int length) {
      if (buffered + length > buffer.length) {
        buffer = Arrays.copyOf(buffer, Math.max(buffered + length, 2 * buffer.length));
      }
      System.arraycopy(samples, offset, buffer, buffered, length);
      buffered += length;
      consumed += length;
    }

    private float[] emit(long until) {
      int count = (int) Math.max(0, until - produced);
      float[] out = new float[count];
      for (int i = 0; i < count; i++) {
        out[i] = (float) outputSample(produced + i);
      }
      produced += count;
      discardBefore(centre(produced) - halfTaps);
      return out;
    }

    private double outputSample(long k) {
      long position = k * down;
      long centre = position / up;
      int phase = (int) (position % up);
      double[] w;
      if (table != null) {
        w = table[phase];
      } else {
        w = scratch;
        weights(phase, w);
      }
      // taps m in [-K, K] read input centre + m; only the received, buffered part is non-zero
      long first = Math.max(centre - halfTaps, bufferStart);
      long last = Math.min(centre + halfTaps, bufferStart + buffered - 1);
      double acc = 0;
      int wi = (int) (first - (centre - halfTaps));
      for (long j = first; j <= last; j++, wi++) {
        acc += w[wi] * buffer[(int) (j - bufferStart)];
      }
      return acc;
    }

    private void discardBefore(long index) {
      int drop = (int) Math.min(buffered, Math.max(0, index - bufferStart));
      if (drop > 0) {
        System.arraycopy(buffer, drop, buffer, 0, buffered - drop);
        buffered -= drop;
        bufferStart += drop;
      }
    }

    private long centre(long k) {
      return k * down / up;
    }
  }

  /** Fills {@code w[m + K]} with the normalised weights of the taps at offsets m = -K..K. */
  private void weights(int phase, double[] w) {
    double delta = (double) phase / up; // fractional input position of the output sample
    double sum = 0;
    for (int m = -halfTaps; m <= halfTaps; m++) {
      double v = kernel(delta - m);
      w[m + halfTaps] = v;
      sum += v;
    }
    for (int i = 0; i < w.length; i++) {
      w[i] /= sum;
    }
  }

  /** The windowed sinc at distance {@code t} input samples. */
  private double kernel(double t) {
    double r = t / halfWidth;
    if (r <= -1 || r >= 1) {
      return 0;
    }
    double x = Math.PI * cutoff * t;
    double sinc = x == 0 ? 1 : Math.sin(x) / x;
    return sinc * besselI0(KAISER_BETA * Math.sqrt(1 - r * r)) / kaiserNorm;
  }

  /** Modified Bessel function of the first kind, order 0, by its power series. */
  static double besselI0(double x) {
    double q = x * x / 4;
    double term = 1;
    double sum = 1;
    for (int k = 1; term > 1e-17 * sum; k++) {
      term *= q / ((double) k * k);
      sum += term;
    }
    return sum;
  }

  private static void checkRate(String which, int rate) {
    if (rate < MIN_RATE || rate > MAX_RATE) {
      throw new IllegalArgumentException(
          which
              + " sample rate "
              + rate
              + " Hz is outside the supported range ["
              + MIN_RATE
              + ", "
              + MAX_RATE
              + "] Hz");
    }
  }

  private static int gcd(int a, int b) {
    while (b != 0) {
      int t = a % b;
      a = b;
      b = t;
    }
    return a;
  }

  private static long ceilDiv(long a, long b) {
    return -Math.floorDiv(-a, b);
  }
}
