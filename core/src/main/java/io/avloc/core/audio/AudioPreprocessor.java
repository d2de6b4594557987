package io.avloc.core.audio;

import java.nio.file.Path;

/**
 * The one audio path of avloc, shared by training and serving: audio in, the network's (1, 257,
 * 200) log spectrogram out.
 *
 * <ul>
 *   <li>Offline (training, evaluation): decode → resample to 16 kHz → centred 3 s window → {@link
 *       Spectrogram}.
 *   <li>Streaming: the caller resamples the live audio to 16 kHz (a {@link Resampler.Stream} per
 *       camera), keeps it in a buffer, cuts the {@link AudioWindows#trailing trailing window} for
 *       each frame and passes it to {@link #streaming}.
 * </ul>
 *
 * <p>Deviations from docs/methods.md §1.1, all deliberate: resampling to 16 kHz, which also
 * attenuates the top bins (above about 6.7 kHz) of audio recorded at other rates (see {@link
 * Resampler}); the sample scale of non-16-bit formats, vorbisspi's OGG quantisation and the downmix
 * of more than two channels (see {@link AudioDecoder}); in streaming mode, missing audio is
 * zero-padded instead of tiled (see {@link AudioWindows#trailing}); inputs shorter than 512 samples
 * are rejected by the spectrogram (never the case for 3 s windows).
 *
 * <p>Thread-safe.
 */
public final class AudioPreprocessor {

  /** The one sample rate of the network's input, Hz. */
  public static final int SAMPLE_RATE = 16_000;

  /** Frames of a 3 s window at 16 kHz. */
  public static final int FRAMES =
      Spectrogram.frameCount((int) (SAMPLE_RATE * AudioWindows.WINDOW_SECONDS));

  private final Spectrogram spectrogram = new Spectrogram(SAMPLE_RATE);
  private final double windowSeconds;

  /** The papers' 3 s window. */
  public AudioPreprocessor() {
    this(AudioWindows.WINDOW_SECONDS);
  }

  /**
   * @param windowSeconds the offline window (centred in the clip), seconds; a model's manifest
   *     records it
   */
  public AudioPreprocessor(double windowSeconds) {
    if (!(windowSeconds > 0) || Double.isInfinite(windowSeconds)) {
      throw new IllegalArgumentException("window must be a positive number of seconds");
    }
    this.windowSeconds = windowSeconds;
  }

  /** The offline window, seconds. */
  public double windowSeconds() {
    return windowSeconds;
  }

  /** The centred window of a clip at any supported rate, resampled to 16 kHz. */
  public AudioClip centredWindow(AudioClip clip) {
    return AudioWindows.centered(Resampler.toRate(clip, SAMPLE_RATE), windowSeconds);
  }

  /** The spectrogram of the centred window of a file. */
  public LogSpectrogram offline(Path file) throws AudioDecodeException {
    AudioClip clip = AudioDecoder.read(file);
    if (clip.sampleRate() < Resampler.MIN_RATE || clip.sampleRate() > Resampler.MAX_RATE) {
      throw new AudioDecodeException(
          file,
          "its sample rate is " + clip.sampleRate() + " Hz",
          "avloc accepts "
              + Resampler.MIN_RATE
              + " to "
              + Resampler.MAX_RATE
              + " Hz; resample the file, e.g. ffmpeg -i INPUT -ar 16000 OUTPUT.wav");
    }
    return offline(clip);
  }

  /** The spectrogram of the centred window of a clip at any supported rate. */
  public LogSpectrogram offline(AudioClip clip) {
    return spectrogram.compute(centredWindow(clip).samples());
  }

  /**
   * The spectrogram of a streaming window.
   *
   * @param window a window at 16 kHz, normally 3 s (any length of at least 512 samples works)
   */
  public LogSpectrogram streaming(TrailingWindow window) {
    if (window.sampleRate() != SAMPLE_RATE) {
      throw new IllegalArgumentException(
          "the window is at "
              + window.sampleRate()
              + " Hz; resample the stream to "
              + SAMPLE_RATE
              + " Hz before buffering it");
    }
    return spectrogram.compute(window.samples());
  }
}
