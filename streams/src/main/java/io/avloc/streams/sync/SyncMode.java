package io.avloc.streams.sync;

/** What the synchronizer does with frames that can no longer be served in time. */
public enum SyncMode {
  /**
   * Live serving: a frame whose deadline (capture time + lookahead + stale budget, on the wall
   * clock) has passed is dropped with reason {@link DropReason#STALE}. Assumes cameras stamp {@code
   * ts-us} from an NTP-synchronized clock.
   */
  REALTIME,

  /** Backlog processing (replays, catching up after downtime): every accepted frame is paired. */
  CATCH_UP
}
