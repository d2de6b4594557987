package io.avloc.core.audio;

/**
 * Cuts the fixed-length audio window that goes into the spectrogram, for offline clips ({@link
 * #centered}) and for live streams ({@link #trailing}). Both clip the samples to [-1, 1]
 * (docs/methods.md §1.1 step 3).
 *
 * <p>Thread-safe: a stateless utility.
 */
public final class AudioWindows {

  /** Window length of the papers, seconds. */
  public static final double WINDOW_SECONDS = 3.0;

  /** Default streaming window, microseconds (3 s). */
  public static final long WINDOW_US = 3_000_000L;

  /** Default streaming lookahead past the frame time, microseconds (0.5 s). */
  public static final long LOOKAHEAD_US = 500_000L;

  private static final long US_PER_S = 1_000_000L;

  private AudioWindows() {}

  /**
   * The window at the middle of an offline clip, exactly as docs/methods.md §1.1 steps 2–4.
   *
   * <ol>
   *   <li>The window has {@code w = int(sr * seconds)} samples.
   *   <li>It starts at {@code max(dur/2 - seconds/2, 0)} s with {@code dur = n / sr}, that is at
   *       sample {@code max(floor((n - sr * seconds) / 2), 0)} (rounded down, as Python's {@code
   *       int()} does for the non-negative start the papers compute) and takes {@code min(w, n -
   *       start)} samples.
   *   <li>Samples are clipped to [-1, 1].
   *   <li>If fewer than {@code w} samples were taken, they are tiled {@code int(w / taken) + 1}
   *       times and truncated to {@code w}; sample {@code j} of the result is taken sample {@code j
   *       mod taken}.
   * </ol>
   *
   * <p>In the papers {@code dur} comes from the container's stream duration; here it is the decoded
   * length, which is the same for the WAV files they read.
   *
   * @param clip the whole clip, at least one sample
   * @param seconds window length, seconds (the papers use {@value #WINDOW_SECONDS})
   * @return exactly {@code int(sr * seconds)} samples at the clip's rate
   */
  public static AudioClip centered(AudioClip clip, double seconds) {
    int sr = clip.sampleRate();
    int n = clip.length();
    double exact = sr * seconds;
    if (!(seconds > 0) || exact >= Integer.MAX_VALUE || (int) exact == 0) {
      throw new IllegalArgumentException("window of " + seconds + " s at " + sr + " Hz is empty");
    }
    if (n == 0) {
      throw new IllegalArgumentException("cannot cut a window from an empty clip");
    }
    int window = (int) exact;
    int start = (int) Math.max(0, Math.floor((n - exact) / 2));
    int taken = Math.min(window, n - start);
    float[] src = clip.samples();
    float[] out = new float[window];
    for (int j = 0; j < window; j++) {
      out[j] = clip1(src[start + j % taken]);
    }
    return new AudioClip(out, sr);
  }

  /** {@link #centered(AudioClip, double)} with the papers' 3 s. */
  public static AudioClip centered(AudioClip clip) {
    return centered(clip, WINDOW_SECONDS);
  }

  /**
   * The streaming window for a video frame with the defaults: 3 s ending 0.5 s after the frame.
   *
   * @see #trailing(TimedSamples, long, long, long)
   */
  public static TrailingWindow trailing(TimedSamples buffered, long frameTsUs) {
    return trailing(buffered, frameTsUs, WINDOW_US, LOOKAHEAD_US);
  }

  /**
   * The window covering {@code [frameTsUs - windowUs + lookaheadUs, frameTsUs + lookaheadUs]} from
   * buffered samples.
   *
   * <p>The window has {@code floor(windowUs * sr / 1e6)} samples at the buffer's rate. Window
   * sample {@code j} is the buffered sample nearest to time {@code start + j / sr} (ties go to the
   * later sample), clipped to [-1, 1]; window samples with no buffered sample are zero, and the
   * result is then {@link TrailingWindow#partial() partial}. Unlike {@link #centered}, nothing is
   * tiled: a live stream has no rest of the clip to repeat, so missing audio is silence.
   *
   * @param buffered the samples at hand, e.g. the last few seconds of one camera's audio
   * @param frameTsUs time of the video frame, microseconds, on the buffer's clock
   * @param windowUs window length, microseconds (positive)
   * @param lookaheadUs how far past the frame the window ends, microseconds (may be negative)
   */
  public static TrailingWindow trailing(
      TimedSamples buffered, long frameTsUs, long windowUs, long lookaheadUs) {
    int sr = buffered.sampleRate();
    if (windowUs <= 0) {
      throw new IllegalArgumentException("windowUs must be positive: " + windowUs);
    }
    long windowSamples = Math.multiplyExact(windowUs, (long) sr) / US_PER_S;
    if (windowSamples == 0 || windowSamples > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          "a window of " + windowUs + " µs at " + sr + " Hz has " + windowSamples + " samples");
    }
    int window = (int) windowSamples;
    long startUs = frameTsUs - windowUs + lookaheadUs;

    // Clamping keeps distance * sr in range; a clamped distance is still far beyond any buffer.
    long maxDistance = Long.MAX_VALUE / (2L * sr);
    long distance =
        Math.max(-maxDistance, Math.min(maxDistance, startUs - buffered.firstSampleUs()));
    long offset = Math.floorDiv(distance * sr + US_PER_S / 2, US_PER_S); // buffer index of sample 0
    int lo = (int) Math.max(0, Math.min(window, -offset));
    int hi = (int) Math.max(lo, Math.min(window, buffered.length() - offset));

    float[] out = new float[window];
    float[] data = buffered.data();
    int capacity = data.length;
    if (hi > lo) {
      int at = (int) ((buffered.start() + offset + lo) % capacity);
      for (int j = lo; j < hi; j++) {
        out[j] = clip1(data[at]);
        if (++at == capacity) {
          at = 0;
        }
      }
    }
    int covered = hi - lo;
    long coveredStart = covered == 0 ? startUs : startUs + micros(lo, sr);
    long coveredEnd = covered == 0 ? startUs : startUs + micros(hi, sr);
    return new TrailingWindow(
        out,
        sr,
        startUs,
        startUs + micros(window, sr),
        coveredStart,
        coveredEnd,
        covered,
        covered < window);
  }

  /** Duration of {@code samples} samples, rounded to the nearest microsecond. */
  private static long micros(long samples, int sr) {
    return Math.floorDiv(samples * US_PER_S + sr / 2, sr);
  }

  private static float clip1(float v) {
    return v > 1f ? 1f : (v < -1f ? -1f : v);
  }
}
