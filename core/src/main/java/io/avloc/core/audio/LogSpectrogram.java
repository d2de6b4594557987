package io.avloc.core.audio;

import java.util.Arrays;
import java.util.Objects;

/**
 * The network's audio input: a log spectrogram of shape (1, {@value Spectrogram#FREQUENCY_BINS},
 * T), float32, row-major with frequency as the slower axis: the value for bin {@code f} and frame
 * {@code t} is {@code data[f * T + t]}.
 *
 * @param data {@code 257 * frames} values (not copied; treat as immutable)
 * @param frames T, the number of time frames (at least 1)
 */
public record LogSpectrogram(float[] data, int frames) {

  public LogSpectrogram {
    Objects.requireNonNull(data, "data");
    if (frames < 1 || data.length != (long) Spectrogram.FREQUENCY_BINS * frames) {
      throw new IllegalArgumentException(
          "a spectrogram of "
              + frames
              + " frames holds "
              + (long) Spectrogram.FREQUENCY_BINS * frames
              + " values, got "
              + data.length);
    }
  }

  /** Number of frequency bins, 257 (0 Hz to the Nyquist frequency in steps of sr / 512). */
  public int bins() {
    return Spectrogram.FREQUENCY_BINS;
  }

  /** The shape {@code {1, 257, T}}, e.g. for {@code new ai.djl.ndarray.types.Shape(shape())}. */
  public long[] shape() {
    return new long[] {1, Spectrogram.FREQUENCY_BINS, frames};
  }

  /** The value for frequency bin {@code f} and frame {@code t}. */
  public float get(int f, int t) {
    Objects.checkIndex(f, Spectrogram.FREQUENCY_BINS);
    Objects.checkIndex(t, frames);
    return data[f * frames + t];
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LogSpectrogram s && s.frames == frames && Arrays.equals(s.data, data);
  }

  @Override
  public int hashCode() {
    return 31 * frames + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "LogSpectrogram[shape=" + Arrays.toString(shape()) + "]";
  }
}
