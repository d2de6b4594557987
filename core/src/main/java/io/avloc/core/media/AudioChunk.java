package io.avloc.core.media;

import java.util.Arrays;
import java.util.Objects;

/**
 * A chunk of interleaved PCM signed 16-bit little-endian audio: the value of an {@code avloc.audio}
 * record plus its headers. The camera id is the record key.
 *
 * @param tsUs time of the first sample, microseconds since the epoch
 * @param sampleRate samples per second per channel
 * @param channels interleaved channel count
 * @param pcm the samples (not copied; treat as immutable)
 */
public record AudioChunk(long tsUs, int sampleRate, int channels, byte[] pcm) {

  /** The only sample encoding of the audio topic. */
  public static final String FORMAT = "pcm_s16le";

  public AudioChunk {
    Objects.requireNonNull(pcm, "pcm");
    if (sampleRate <= 0 || channels <= 0) {
      throw new IllegalArgumentException(
          "sampleRate and channels must be positive: " + sampleRate + ", " + channels);
    }
    if (pcm.length % (2 * channels) != 0) {
      throw new IllegalArgumentException(
          "pcm length " + pcm.length + " is not a whole number of " + channels + "-channel frames");
    }
  }

  /** Samples per channel. */
  public int frames() {
    return pcm.length / (2 * channels);
  }

  /** Duration in microseconds (rounded down). */
  public long durationUs() {
    return frames() * 1_000_000L / sampleRate;
  }

  /** Time just after the last sample, microseconds since the epoch. */
  public long endUs() {
    return tsUs + durationUs();
  }

  /** The samples as floats in [-1, 1] (÷32767, as the papers' loader), channels averaged. */
  public float[] monoSamples() {
    int n = frames();
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      int sum = 0;
      for (int c = 0; c < channels; c++) {
        int at = 2 * (i * channels + c);
        sum += (short) ((pcm[at] & 0xff) | (pcm[at + 1] << 8));
      }
      out[i] = Math.max(-1f, Math.min(1f, sum / (channels * 32767f)));
    }
    return out;
  }

  /** Encodes mono float samples in [-1, 1] as a chunk (clipping outside the range). */
  public static AudioChunk fromMono(long tsUs, int sampleRate, float[] samples) {
    byte[] pcm = new byte[samples.length * 2];
    for (int i = 0; i < samples.length; i++) {
      float v = Math.max(-1f, Math.min(1f, samples[i]));
      int s = Math.round(v * 32767f);
      pcm[2 * i] = (byte) s;
      pcm[2 * i + 1] = (byte) (s >> 8);
    }
    return new AudioChunk(tsUs, sampleRate, 1, pcm);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AudioChunk a
        && a.tsUs == tsUs
        && a.sampleRate == sampleRate
        && a.channels == channels
        && Arrays.equals(a.pcm, pcm);
  }

  @Override
  public int hashCode() {
    return Objects.hash(tsUs, sampleRate, channels) * 31 + Arrays.hashCode(pcm);
  }

  @Override
  public String toString() {
    return "AudioChunk[tsUs="
        + tsUs
        + ", sampleRate="
        + sampleRate
        + ", channels="
        + channels
        + ", frames="
        + frames()
        + "]";
  }
}
