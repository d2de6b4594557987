package io.avloc.core.pair;

import io.avloc.core.media.AvlocHeaders;
import java.util.Set;

/**
 * Kafka header names of an {@code avloc.pairs} record (UTF-8 strings, like every avloc header). The
 * frame's own headers ({@code ts-us}, {@code format} and any pass-through header such as ground
 * truth or tracing) stay on the pair record; these are added.
 */
public final class PairHeaders {
  private PairHeaders() {}

  /** Capture time of the frame, µs since the epoch (the frame's header). */
  public static final String TS_US = AvlocHeaders.TS_US;

  /** Encoding of the frame bytes in the envelope: {@code jpeg} or {@code png}. */
  public static final String FORMAT = AvlocHeaders.FORMAT;

  /** Sample rate of the audio in the envelope; always 16000. */
  public static final String SAMPLE_RATE = AvlocHeaders.SAMPLE_RATE;

  /** First instant of the audio window, µs since the epoch. */
  public static final String AUDIO_START_US = "audio-start-us";

  /** End of the audio window (exclusive), µs since the epoch. */
  public static final String AUDIO_END_US = "audio-end-us";

  /** {@code true} when part of the window had no audio and is zero-filled, else {@code false}. */
  public static final String PARTIAL = "partial";

  /** Optional: wall clock when the frame reached the synchronizer, µs since the epoch. */
  public static final String ARRIVED_AT_US = "arrived-at-us";

  /** Optional: wall clock when the pair became ready (its audio complete), µs since the epoch. */
  public static final String READY_AT_US = "ready-at-us";

  /**
   * Headers that describe the pair rather than the frame; a model server drops them when it turns a
   * pair record's headers into the heatmap record's, so heatmaps carry the same headers in embedded
   * and distributed mode.
   */
  public static final Set<String> PAIR_ONLY =
      Set.of(SAMPLE_RATE, AUDIO_START_US, AUDIO_END_US, PARTIAL, ARRIVED_AT_US, READY_AT_US);
}
