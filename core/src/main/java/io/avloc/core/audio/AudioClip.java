package io.avloc.core.audio;

import java.util.Arrays;
import java.util.Objects;

/**
 * A mono audio signal held in memory.
 *
 * <p>Samples use the papers' scale: full-scale 16-bit audio maps to about ±1 (int16 ÷ 32767, see
 * {@link AudioDecoder} for the other sample formats). Values are not clipped here; the window
 * selection in {@link AudioWindows} clips to [-1, 1] as the papers do.
 *
 * @param samples mono samples, nominal full scale ±1 (not copied; treat as immutable)
 * @param sampleRate samples per second, in Hz (positive)
 */
public record AudioClip(float[] samples, int sampleRate) {

  public AudioClip {
    Objects.requireNonNull(samples, "samples");
    if (sampleRate <= 0) {
      throw new IllegalArgumentException("sampleRate must be positive: " + sampleRate);
    }
  }

  /** Number of samples. */
  public int length() {
    return samples.length;
  }

  /** Duration in seconds ({@code length / sampleRate}). */
  public double durationSeconds() {
    return (double) samples.length / sampleRate;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AudioClip c
        && c.sampleRate == sampleRate
        && Arrays.equals(c.samples, samples);
  }

  @Override
  public int hashCode() {
    return 31 * sampleRate + Arrays.hashCode(samples);
  }

  @Override
  public String toString() {
    return "AudioClip[sampleRate=" + sampleRate + ", length=" + samples.length + "]";
  }
}
