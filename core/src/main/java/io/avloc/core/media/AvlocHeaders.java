package io.avloc.core.media;

/**
 * Kafka header names of the avloc contracts (the README's contract table). Header values are UTF-8
 * strings so any producer (a Python script, GStreamer, kcat) can write them.
 */
public final class AvlocHeaders {
  private AvlocHeaders() {}

  /** Capture time of a frame, or time of the first audio sample: microseconds since the epoch. */
  public static final String TS_US = "ts-us";

  /** {@code jpeg}/{@code png} on frames, {@code pcm_s16le} on audio. */
  public static final String FORMAT = "format";

  /** Audio sample rate in Hz. */
  public static final String SAMPLE_RATE = "sample-rate";

  /** Interleaved audio channel count. */
  public static final String CHANNELS = "channels";

  /** {@code name@version} of the model that produced a heatmap. */
  public static final String MODEL = "model";

  /** Dead letters: what was wrong with the record. */
  public static final String ERROR = "error";

  /** Dead letters: the machine-readable reason code, e.g. {@code BAD_TIMESTAMP}. */
  public static final String ERROR_REASON = "error-reason";

  /** Dead letters: the pipeline stage that rejected the record, e.g. {@code validate}. */
  public static final String ERROR_STAGE = "error-stage";

  /** Dead letters: the topic the record was read from. */
  public static final String SOURCE_TOPIC = "source-topic";

  /**
   * Ground truth (synthetic cameras, labelled replays): class of the sounding object. See {@link
   * GroundTruthHeaders} for the three {@code gt-*} headers and their one parser.
   */
  public static final String GT_CLASS = "gt-class";

  /** Ground truth: the sounding object's normalized boxes; see {@link GroundTruthHeaders}. */
  public static final String GT_BOXES = "gt-boxes";

  /** Ground truth: {@code true}/{@code false}, source in view; see {@link GroundTruthHeaders}. */
  public static final String GT_ONSCREEN = "gt-onscreen";
}
