package io.avloc.streams.sync;

/** What the synchronizer does with frames that can no longer be served in time. */
public enum SyncMode {
  /**
   * Live serving: when the engine cannot keep up, each camera's newest ready frame is served and
   * its older frames past their deadline (capture time + lookahead + stale budget + two batches at
   * the measured inference time, on the wall clock) are shed with reason {@link DropReason#STALE};
   * cameras share the engine round-robin. Deadlines assume cameras stamp {@code ts-us} from an
   * NTP-synchronized clock; a camera whose clock is off still gets its newest frames served.
   */
  REALTIME,

  /** Backlog processing (replays, catching up after downtime): every accepted frame is paired. */
  CATCH_UP
}
