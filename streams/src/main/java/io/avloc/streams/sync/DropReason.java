package io.avloc.streams.sync;

/**
 * Why the synchronizer dropped a frame: the {@code reason} tag of the {@code avloc.frames.dropped}
 * counter.
 */
public enum DropReason {
  /** Closer than {@code 1 / maxRateHz} (camera time) to the camera's last accepted frame. */
  RATE_CAP("rate-cap"),

  /**
   * Not newer than the camera's last accepted frame. Heatmaps leave each camera in capture order,
   * so a frame that arrives after a newer one cannot be placed and is dropped.
   */
  OUT_OF_ORDER("out-of-order"),

  /**
   * {@link SyncMode#REALTIME}: past its deadline on the wall clock while a newer ready frame of the
   * same camera was there to serve instead (latest wins), or left when its camera expired.
   */
  STALE("stale");

  private final String tag;

  DropReason(String tag) {
    this.tag = tag;
  }

  /** The metric tag value. */
  public String tag() {
    return tag;
  }
}
