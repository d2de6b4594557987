package io.avloc.core.audio;

import java.util.Arrays;
import java.util.Objects;

/**
 * The audio window for one video frame in streaming mode, cut by {@link AudioWindows#trailing}.
 *
 * @param samples the window, mono, clipped to [-1, 1], with zeros where the buffer did not cover
 *     it; length {@code floor(window seconds * sampleRate)} (48 000 for 3 s at 16 kHz)
 * @param sampleRate samples per second, in Hz
 * @param startUs time of window sample 0, microseconds (the requested start, {@code frame time -
 *     window + lookahead})
 * @param endUs time just after the last window sample, microseconds
 * @param coveredStartUs time of the first window sample that came from the buffer; equals {@code
 *     coveredEndUs} when none did
 * @param coveredEndUs time just after the last window sample that came from the buffer
 * @param coveredSamples how many window samples came from the buffer
 * @param partial true when some samples are zero padding ({@code coveredSamples < length})
 */
public record TrailingWindow(
    float[] samples,
    int sampleRate,
    long startUs,
    long endUs,
    long coveredStartUs,
    long coveredEndUs,
    int coveredSamples,
    boolean partial) {

  public TrailingWindow {
    Objects.requireNonNull(samples, "samples");
    if (coveredSamples < 0 || coveredSamples > samples.length) {
      throw new IllegalArgumentException(
          "coveredSamples " + coveredSamples + " is outside [0, " + samples.length + "]");
    }
    if (partial != (coveredSamples < samples.length)) {
      throw new IllegalArgumentException("partial must be coveredSamples < samples.length");
    }
  }

  /** The window as a clip, for the spectrogram. */
  public AudioClip clip() {
    return new AudioClip(samples, sampleRate);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TrailingWindow w
        && w.sampleRate == sampleRate
        && w.startUs == startUs
        && w.endUs == endUs
        && w.coveredStartUs == coveredStartUs
        && w.coveredEndUs == coveredEndUs
        && w.coveredSamples == coveredSamples
        && w.partial == partial
        && Arrays.equals(w.samples, samples);
  }

  @Override
  public int hashCode() {
    return Objects.hash(sampleRate, startUs, endUs, coveredStartUs, coveredEndUs, coveredSamples)
            * 31
        + Arrays.hashCode(samples);
  }

  @Override
  public String toString() {
    return "TrailingWindow[startUs="
        + startUs
        + ", endUs="
        + endUs
        + ", covered="
        + coveredStartUs
        + ".."
        + coveredEndUs
        + " ("
        + coveredSamples
        + "/"
        + samples.length
        + "), sampleRate="
        + sampleRate
        + "]";
  }
}
