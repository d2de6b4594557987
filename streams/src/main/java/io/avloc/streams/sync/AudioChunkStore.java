package io.avloc.streams.sync;

import io.avloc.core.audio.AudioWindows;
import io.avloc.core.audio.TimedSamples;
import io.avloc.core.audio.TrailingWindow;
import io.avloc.core.pair.AvPair;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Each camera's recent audio as individual chunks of 16 kHz mono PCM (signed 16-bit little-endian),
 * keyed by {@link CameraTimeKey} {@code (camera, time of the first sample)}: the {@link
 * SyncStores#AUDIO} store. Chunks may arrive in any order, the key orders them; a chunk with the
 * same time as a stored one replaces it.
 *
 * <p>A window is cut from the chunks that overlap it: each chunk is placed at the 16 kHz sample
 * nearest to its start time, later chunks overwrite overlaps, and window samples no chunk covers
 * stay zero and make the window partial. Holes of at most {@value #SNAP_SAMPLES} samples between
 * consecutive chunks are bridged with the earlier chunk's last sample and count as covered: they
 * are rounding or jitter of µs timestamps, not lost audio. Chunks stay at their own times, so
 * jitter never accumulates into drift.
 */
final class AudioChunkStore {

  /** Stored audio rate, Hz. */
  static final int RATE = AvPair.SAMPLE_RATE;

  /** Largest hole between consecutive chunks, in samples, still treated as contiguous. */
  static final int SNAP_SAMPLES = 2;

  private static final long US_PER_S = 1_000_000L;

  /**
   * Audio paired with a frame.
   *
   * @param samples the window, clipped to [-1, 1], zero where no audio was stored
   * @param startUs time of sample 0, µs
   * @param endUs time just after the last sample, µs
   * @param coveredSamples how many samples came from stored audio
   * @param partial whether some samples are zero fill
   */
  record Window(float[] samples, long startUs, long endUs, int coveredSamples, boolean partial) {}

  private final KeyValueStore<Bytes, byte[]> store;

  AudioChunkStore(KeyValueStore<Bytes, byte[]> store) {
    this.store = store;
  }

  /**
   * Stores 16 kHz mono samples starting at {@code tsUs}.
   *
   * @return time just after the last sample, µs
   */
  long put(String camera, long tsUs, float[] samples) {
    store.put(CameraTimeKey.of(camera, tsUs), encode(samples));
    return tsUs + durationUs(samples.length);
  }

  /** The window [frameTsUs − windowUs + lookaheadUs, frameTsUs + lookaheadUs) from stored audio. */
  Window window(String camera, long frameTsUs, long windowUs, long lookaheadUs, long maxChunkUs) {
    int n = windowSamples(windowUs);
    long startUs = frameTsUs - windowUs + lookaheadUs;
    float[] buffer = new float[n];
    int covered = assemble(camera, startUs, n, maxChunkUs, buffer);
    // The buffer is aligned with the window, so trailing() keeps it sample for sample; it supplies
    // the clipping and the window's times. Coverage is ours: the buffer has no holes to it.
    TrailingWindow w =
        AudioWindows.trailing(
            TimedSamples.of(startUs, RATE, buffer), frameTsUs, windowUs, lookaheadUs);
    return new Window(w.samples(), w.startUs(), w.endUs(), covered, covered < n);
  }

  /** Whether stored audio covers every sample of the frame's window. */
  boolean complete(
      String camera, long frameTsUs, long windowUs, long lookaheadUs, long maxChunkUs) {
    int n = windowSamples(windowUs);
    return assemble(camera, frameTsUs - windowUs + lookaheadUs, n, maxChunkUs, null) == n;
  }

  /**
   * Places the chunks overlapping [startUs, startUs + n samples) into {@code out} (when not null).
   *
   * @return how many of the n window samples some chunk covers
   */
  private int assemble(String camera, long startUs, int n, long maxChunkUs, float[] out) {
    long windowEndUs = startUs + durationUs(n);
    int covered = 0;
    long coveredTo = 0; // window index up to which coverage has been counted
    long previousEnd = Long.MIN_VALUE; // window index just after the latest-ending chunk so far
    float held = 0; // last sample of that chunk
    try (KeyValueIterator<Bytes, byte[]> it =
        store.range(
            CameraTimeKey.of(camera, startUs - maxChunkUs - 1),
            CameraTimeKey.of(camera, windowEndUs))) {
      while (it.hasNext()) {
        KeyValue<Bytes, byte[]> kv = it.next();
        long ts = CameraTimeKey.tsUs(kv.key);
        int len = kv.value.length / 2;
        long s = Math.floorDiv((ts - startUs) * RATE + US_PER_S / 2, US_PER_S);
        long e = s + len;
        // A hole of a sample or two after the previous chunk is timestamp rounding or jitter:
        // bridge it with the previous chunk's last sample rather than call the window partial.
        long from = s;
        if (previousEnd != Long.MIN_VALUE && s > previousEnd && s - previousEnd <= SNAP_SAMPLES) {
          from = previousEnd;
        }
        int lo = (int) Math.max(0, Math.min(n, from));
        int hi = (int) Math.max(0, Math.min(n, e));
        byte[] pcm = kv.value;
        if (out != null) {
          for (int j = lo; j < hi; j++) {
            out[j] = j < s ? held : sample(pcm, (int) (j - s));
          }
        }
        if (len > 0 && e > previousEnd) {
          previousEnd = e;
          held = sample(pcm, len - 1);
        }
        if (hi <= lo) {
          continue;
        }
        covered += (int) Math.max(0, hi - Math.max(lo, coveredTo));
        coveredTo = Math.max(coveredTo, hi);
      }
    }
    return covered;
  }

  private static float sample(byte[] pcm, int i) {
    return (short) ((pcm[2 * i] & 0xff) | (pcm[2 * i + 1] << 8)) / 32767f;
  }

  /** Deletes the camera's chunks that end at or before {@code beforeUs}. */
  void evict(String camera, long beforeUs) {
    List<Bytes> old = new ArrayList<>();
    try (KeyValueIterator<Bytes, byte[]> it =
        store.range(CameraTimeKey.first(camera), CameraTimeKey.of(camera, beforeUs))) {
      while (it.hasNext()) {
        KeyValue<Bytes, byte[]> kv = it.next();
        if (CameraTimeKey.tsUs(kv.key) + durationUs(kv.value.length / 2) <= beforeUs) {
          old.add(kv.key);
        }
      }
    }
    old.forEach(store::delete);
  }

  /** Deletes all of the camera's audio. */
  void deleteCamera(String camera) {
    List<Bytes> keys = new ArrayList<>();
    try (KeyValueIterator<Bytes, byte[]> it =
        store.range(CameraTimeKey.first(camera), CameraTimeKey.last(camera))) {
      it.forEachRemaining(kv -> keys.add(kv.key));
    }
    keys.forEach(store::delete);
  }

  /** Samples in a window of {@code windowUs} at 16 kHz (rounded down, as {@link AudioWindows}). */
  static int windowSamples(long windowUs) {
    return (int) (windowUs * RATE / US_PER_S);
  }

  /** Duration of {@code samples} 16 kHz samples, rounded to the nearest µs. */
  static long durationUs(long samples) {
    return Math.floorDiv(samples * US_PER_S + RATE / 2, RATE);
  }

  static byte[] encode(float[] samples) {
    byte[] pcm = new byte[2 * samples.length];
    for (int i = 0; i < samples.length; i++) {
      float v = Math.max(-1f, Math.min(1f, samples[i]));
      int s = Math.round(v * 32767f);
      pcm[2 * i] = (byte) s;
      pcm[2 * i + 1] = (byte) (s >> 8);
    }
    return pcm;
  }
}
