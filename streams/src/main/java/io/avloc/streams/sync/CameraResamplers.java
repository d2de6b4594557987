package io.avloc.streams.sync;

import io.avloc.core.audio.Resampler;
import io.avloc.core.audio.TimedSamples;
import io.avloc.core.media.AudioChunk;
import io.avloc.core.pair.AvPair;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Converts each camera's audio to 16 kHz mono on ingest, with one streaming {@link Resampler} per
 * camera that does not record at 16 kHz, so chunk boundaries leave no filter edges.
 *
 * <p>A camera's stream continues while its chunks are contiguous: a chunk that starts within
 * {@value #CONTIGUITY_TOLERANCE_US} µs of where the previous one ended. Otherwise:
 *
 * <ul>
 *   <li>a later chunk (a gap, a rate change, drift of the camera's clock): the old stream is
 *       finished, its held-back tail is returned, and a new stream starts at the chunk;
 *   <li>an earlier chunk (out of order, a retransmission): it is converted on its own, with a few
 *       milliseconds of filter edge at both ends, and the stream is left alone.
 * </ul>
 *
 * <p>Resampler state lives in memory only. A streaming filter emits each output sample about {@code
 * ceil(32 / fc)} input samples (2.2 ms at 48 kHz) after its input arrives; after a restart or a
 * task migration the held-back tail of each stream is lost and the next chunk starts a new stream
 * without history. Windows that contain that instant have a hole of about 2 ms and are flagged
 * partial; nothing else changes. Cameras at 16 kHz are stored exactly, without a stream.
 *
 * <p>Not thread-safe: owned by one processor.
 */
final class CameraResamplers {

  /** Largest jump in µs between consecutive chunks that still continues a stream. */
  static final long CONTIGUITY_TOLERANCE_US = 1_000;

  private static final int RATE = AvPair.SAMPLE_RATE;
  private static final long US_PER_S = 1_000_000L;

  private final Map<String, Track> tracks = new HashMap<>();

  /** One camera's running conversion. */
  private static final class Track {
    final int inputRate;
    final long startUs;
    final Resampler.Stream stream;

    Track(int inputRate, long startUs) {
      this.inputRate = inputRate;
      this.startUs = startUs;
      this.stream = Resampler.of(inputRate, RATE).newStream();
    }

    /** Where the next contiguous input chunk starts, µs. */
    long nextInputUs() {
      return startUs + Math.floorDiv(stream.inputCount() * US_PER_S + inputRate / 2, inputRate);
    }

    /** Time of output sample {@code k}, µs. */
    long outputUs(long k) {
      return startUs + Math.floorDiv(k * US_PER_S + RATE / 2, RATE);
    }

    /** Pushes samples; the completed output, if any, as one piece. */
    void push(float[] samples, List<TimedSamples> out) {
      long first = stream.outputCount();
      add(out, outputUs(first), stream.push(samples));
    }

    void finish(List<TimedSamples> out) {
      long first = stream.outputCount();
      add(out, outputUs(first), stream.finish());
    }
  }

  /**
   * The chunk as 16 kHz mono pieces, in time order (possibly none yet, while a stream holds the
   * samples back; possibly the tail of an earlier stream first).
   */
  List<TimedSamples> toStoredRate(String camera, AudioChunk chunk) {
    List<TimedSamples> out = new ArrayList<>(2);
    float[] mono = chunk.monoSamples();
    long ts = chunk.tsUs();
    Track track = tracks.get(camera);
    if (track != null && ts < track.nextInputUs() - CONTIGUITY_TOLERANCE_US) {
      // Older than the stream: convert alone; the stream goes on with the newer audio.
      add(
          out,
          ts,
          chunk.sampleRate() == RATE
              ? mono
              : Resampler.of(chunk.sampleRate(), RATE).resample(mono));
      return out;
    }
    if (track != null
        && track.inputRate == chunk.sampleRate()
        && ts <= track.nextInputUs() + CONTIGUITY_TOLERANCE_US) {
      track.push(mono, out);
      return out;
    }
    if (track != null) {
      tracks.remove(camera).finish(out);
    }
    if (chunk.sampleRate() == RATE) {
      add(out, ts, mono);
    } else {
      Track next = new Track(chunk.sampleRate(), ts);
      tracks.put(camera, next);
      next.push(mono, out);
    }
    return out;
  }

  /** Drops the camera's stream (its held-back tail is lost). */
  void forget(String camera) {
    tracks.remove(camera);
  }

  /** Cameras with a running stream. */
  int size() {
    return tracks.size();
  }

  private static void add(List<TimedSamples> out, long tsUs, float[] samples) {
    if (samples.length > 0) {
      out.add(TimedSamples.of(tsUs, RATE, samples));
    }
  }
}
