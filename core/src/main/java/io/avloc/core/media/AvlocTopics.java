package io.avloc.core.media;

/**
 * The default topic names of the avloc contracts, defined once for every program (streams, serve,
 * feed, watch); each program lets an operator rename them.
 */
public final class AvlocTopics {
  private AvlocTopics() {}

  /** Camera frames, keyed by camera id. */
  public static final String FRAMES = "avloc.frames";

  /** Audio chunks, keyed by camera id and co-partitioned with the frames. */
  public static final String AUDIO = "avloc.audio";

  /** Heatmap events, the output. */
  public static final String HEATMAPS = "avloc.heatmaps";

  /** Records that break the contract, with the reason in headers. */
  public static final String DEADLETTER = "avloc.deadletter";

  /** Distributed mode: frame and audio pairs from the streams app to the model servers. */
  public static final String PAIRS = "avloc.pairs";
}
