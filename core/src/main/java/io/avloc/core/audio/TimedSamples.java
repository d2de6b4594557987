package io.avloc.core.audio;

import java.util.Objects;

/**
 * Buffered mono samples with the time of their first sample: the input of {@link
 * AudioWindows#trailing}. The samples may sit in a circular array (a ring buffer): sample {@code i}
 * is {@code data[(start + i) % data.length]}, so a stream processor can hand over its ring without
 * copying it.
 *
 * @param firstSampleUs time of sample 0, microseconds (e.g. since the epoch)
 * @param sampleRate samples per second, in Hz (positive)
 * @param data backing array (not copied; must not change while a window is being cut)
 * @param start index in {@code data} of sample 0, in [0, data.length) (0 when data is empty)
 * @param length number of samples, in [0, data.length]
 */
public record TimedSamples(
    long firstSampleUs, int sampleRate, float[] data, int start, int length) {

  public TimedSamples {
    Objects.requireNonNull(data, "data");
    if (sampleRate <= 0) {
      throw new IllegalArgumentException("sampleRate must be positive: " + sampleRate);
    }
    if (length < 0 || length > data.length) {
      throw new IllegalArgumentException(
          "length " + length + " is outside [0, " + data.length + "]");
    }
    if (start < 0 || (data.length > 0 ? start >= data.length : start != 0)) {
      throw new IllegalArgumentException(
          "start " + start + " is outside the array of " + data.length);
    }
  }

  /** Samples in a plain array, sample 0 first. */
  public static TimedSamples of(long firstSampleUs, int sampleRate, float[] samples) {
    return new TimedSamples(firstSampleUs, sampleRate, samples, 0, samples.length);
  }

  /** Sample {@code i}, {@code 0 <= i < length}. */
  public float sample(int i) {
    Objects.checkIndex(i, length);
    int at = start + i;
    return data[at >= data.length ? at - data.length : at];
  }

  /** Time just after the last sample, microseconds (rounded to the nearest microsecond). */
  public long endUs() {
    return firstSampleUs + Math.round(length * 1e6 / sampleRate);
  }

  @Override
  public String toString() {
    return "TimedSamples[firstSampleUs="
        + firstSampleUs
        + ", sampleRate="
        + sampleRate
        + ", length="
        + length
        + "]";
  }
}
