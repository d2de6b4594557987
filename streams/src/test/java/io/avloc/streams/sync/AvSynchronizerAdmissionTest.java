package io.avloc.streams.sync;

import static io.avloc.streams.sync.SyncTestBed.MS;
import static io.avloc.streams.sync.SyncTestBed.S;
import static io.avloc.streams.sync.SyncTestBed.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.avloc.core.event.HeatmapEvent;
import java.time.Duration;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/** Which frames are kept: rate cap, order, and the real-time deadline. */
class AvSynchronizerAdmissionTest {

  private static final AvSyncConfig EAGER = AvSyncConfig.defaults().withMaxBatch(1);

  @Test
  void rateCapDropsFramesCloserThanOneOverTheRateToTheLastAcceptedFrame() {
    try (SyncTestBed bed = new SyncTestBed(EAGER)) {
      bed.audio("cam", T0, T0 + 5 * S, t -> 0.1);
      bed.frame("cam", T0 + 3_000 * MS);
      bed.frame("cam", T0 + 3_100 * MS); // 100 ms after 3.0: dropped
      bed.frame("cam", T0 + 3_200 * MS); // 200 ms after 3.0: kept
      bed.frame("cam", T0 + 3_399 * MS); // 199 ms after 3.2: dropped
      bed.frame("cam", T0 + 3_400 * MS); // 200 ms after 3.2: kept

      assertThat(bed.heatmaps())
          .extracting(r -> r.value().frameTsUs())
          .containsExactly(T0 + 3_000 * MS, T0 + 3_200 * MS, T0 + 3_400 * MS);
      assertThat(bed.dropped(DropReason.RATE_CAP)).isEqualTo(2);
    }
  }

  @Test
  void rateCapFollowsTheConfiguredRate() {
    try (SyncTestBed bed = new SyncTestBed(EAGER.withMaxRateHz(20))) {
      bed.audio("cam", T0, T0 + 5 * S, t -> 0.1);
      for (long t = T0 + 3 * S; t < T0 + 3_200 * MS; t += 25 * MS) {
        bed.frame("cam", t);
      }
      assertThat(bed.heatmaps()).hasSize(4); // 3.00, 3.05, 3.10, 3.15
      assertThat(bed.dropped(DropReason.RATE_CAP)).isEqualTo(4);
    }
  }

  @Test
  void frameOlderThanTheCamerasLastAcceptedFrameIsDroppedAsOutOfOrder() {
    try (SyncTestBed bed = new SyncTestBed(EAGER)) {
      bed.audio("cam", T0, T0 + 5 * S, t -> 0.1);
      bed.frame("cam", T0 + 3_400 * MS);
      bed.frame("cam", T0 + 3_000 * MS); // older
      bed.frame("cam", T0 + 3_400 * MS); // duplicate

      assertThat(bed.heatmaps())
          .extracting(r -> r.value().frameTsUs())
          .containsExactly(T0 + 3_400 * MS);
      assertThat(bed.dropped(DropReason.OUT_OF_ORDER)).isEqualTo(2);
      assertThat(bed.dropped(DropReason.RATE_CAP)).isZero();
    }
  }

  @Test
  void heatmapsOfOneCameraLeaveInCaptureOrderEvenWhenALaterWindowCompletesFirst() {
    try (SyncTestBed bed = new SyncTestBed(EAGER.withMode(SyncMode.CATCH_UP))) {
      bed.audio("cam", T0, T0 + 600 * MS, t -> 0.1);
      // [0.6, 0.7) is missing: only the window of the frame at 3.0 s contains it
      bed.audio("cam", T0 + 700 * MS, T0 + 3_900 * MS, t -> 0.1);
      bed.frame("cam", T0 + 3_000 * MS);
      bed.frame("cam", T0 + 3_400 * MS); // window [0.9, 3.9] is complete
      assertThat(bed.heatmaps()).as("3.4 s waits for 3.0 s").isEmpty();

      bed.audio("cam", T0 + 3_900 * MS, T0 + 4_500 * MS, t -> 0.1); // grace for 3.0 s

      assertThat(bed.heatmaps())
          .extracting(r -> r.value().frameTsUs(), r -> r.value().audio().partial())
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple(T0 + 3_000 * MS, true),
              org.assertj.core.groups.Tuple.tuple(T0 + 3_400 * MS, false));
    }
  }

  @Test
  void realtimeDropsAFrameThatArrivesPastItsDeadline() {
    // The wall clock is 5 s into the camera's time: a frame at 3 s was due by 3.65 s.
    try (SyncTestBed bed = new SyncTestBed(EAGER, new RecordingLocalizer(8), T0 + 5 * S, null)) {
      bed.audio("cam", T0, T0 + 3_600 * MS, t -> 0.1);
      bed.frame("cam", T0 + 3 * S);

      assertThat(bed.heatmaps()).isEmpty();
      assertThat(bed.dropped(DropReason.STALE)).isEqualTo(1);
    }
  }

  @Test
  void catchUpKeepsAFrameThatArrivesPastItsDeadline() {
    try (SyncTestBed bed =
        new SyncTestBed(
            EAGER.withMode(SyncMode.CATCH_UP), new RecordingLocalizer(8), T0 + 5 * S, null)) {
      bed.audio("cam", T0, T0 + 3_600 * MS, t -> 0.1);
      bed.frame("cam", T0 + 3 * S);

      assertThat(bed.heatmaps()).hasSize(1);
      assertThat(bed.dropped(DropReason.STALE)).isZero();
    }
  }

  @Test
  void realtimeDropsAWaitingFrameWhoseDeadlinePassesAndCountsIt() {
    try (SyncTestBed bed =
        new SyncTestBed(EAGER, new RecordingLocalizer(8), T0 + 3_400 * MS, null)) {
      bed.audio("cam", T0, T0 + 3_300 * MS, t -> 0.1);
      bed.frame("cam", T0 + 3 * S);
      bed.advanceWallClock(Duration.ofMillis(200)); // 3.6 s: 100 ms past 3.5 s, within 150 ms
      assertThat(bed.dropped(DropReason.STALE)).isZero();

      bed.advanceWallClock(Duration.ofMillis(100)); // 3.7 s: 200 ms past 3.5 s
      assertThat(bed.dropped(DropReason.STALE)).isEqualTo(1);

      bed.audio("cam", T0 + 3_300 * MS, T0 + 3_600 * MS, t -> 0.1);
      assertThat(bed.heatmaps()).isEmpty();
    }
  }

  @Test
  void catchUpKeepsAWaitingFrameWhoseDeadlinePasses() {
    try (SyncTestBed bed =
        new SyncTestBed(
            EAGER.withMode(SyncMode.CATCH_UP), new RecordingLocalizer(8), T0 + 3_400 * MS, null)) {
      bed.audio("cam", T0, T0 + 3_300 * MS, t -> 0.1);
      bed.frame("cam", T0 + 3 * S);
      bed.advanceWallClock(Duration.ofSeconds(10));

      bed.audio("cam", T0 + 3_300 * MS, T0 + 3_600 * MS, t -> 0.1);

      assertThat(bed.heatmaps())
          .singleElement()
          .extracting(TestRecord::value)
          .extracting(HeatmapEvent::frameTsUs)
          .isEqualTo(T0 + 3 * S);
      assertThat(bed.dropped(DropReason.STALE)).isZero();
    }
  }

  @Test
  void staleBudgetIsConfigurable() {
    try (SyncTestBed bed =
        new SyncTestBed(
            EAGER.withStaleBudget(Duration.ofSeconds(2)),
            new RecordingLocalizer(8),
            T0 + 5 * S,
            null)) {
      bed.audio("cam", T0, T0 + 3_600 * MS, t -> 0.1);
      bed.frame("cam", T0 + 3 * S); // 1.5 s late, within 2 s

      assertThat(bed.heatmaps()).hasSize(1);
    }
  }
}
