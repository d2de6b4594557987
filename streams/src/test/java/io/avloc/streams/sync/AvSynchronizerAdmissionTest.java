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
    try (SyncTestBed bed = new SyncTestBed(EAGER.withMode(SyncMode.CATCH_UP))) {
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
    try (SyncTestBed bed = new SyncTestBed(EAGER.withMode(SyncMode.CATCH_UP).withMaxRateHz(20))) {
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
  void realtimeServesAFramePastItsDeadlineWhenItIsItsCamerasNewest() {
    // The wall clock is 5 s into the camera's time: a frame at 3 s was due by 3.65 s. Shedding it
    // would leave the camera with nothing: a pipeline that is behind would never serve anything.
    try (SyncTestBed bed = new SyncTestBed(EAGER, new RecordingLocalizer(8), T0 + 5 * S, null)) {
      bed.audio("cam", T0, T0 + 3_600 * MS, t -> 0.1);
      bed.frame("cam", T0 + 3 * S);

      assertThat(bed.heatmaps()).extracting(r -> r.value().frameTsUs()).containsExactly(T0 + 3 * S);
      assertThat(bed.dropped(DropReason.STALE)).isZero();
    }
  }

  @Test
  void realtimeShedsStaleReadyFramesOldestFirstForTheNewestOfTheirCamera() {
    // Three ready frames of one camera, all past their deadline when the batch runs: latest wins.
    AvSyncConfig config = AvSyncConfig.defaults().withMaxBatch(8);
    try (SyncTestBed bed = new SyncTestBed(config, new RecordingLocalizer(8), T0 + 6 * S, null)) {
      bed.audio("cam", T0, T0 + 4 * S, t -> 0.1);
      bed.frame("cam", T0 + 3 * S);
      bed.frame("cam", T0 + 3_200 * MS);
      bed.frame("cam", T0 + 3_400 * MS);
      bed.audio("other", T0, T0 + 4 * S, t -> 0.1);
      bed.frame("other", T0 + 3_400 * MS);
      assertThat(bed.heatmaps()).isEmpty();

      bed.advanceWallClock(Duration.ofMillis(25));

      assertThat(bed.heatmaps())
          .extracting(r -> r.key(), r -> r.value().frameTsUs())
          .containsExactlyInAnyOrder(
              org.assertj.core.groups.Tuple.tuple("cam", T0 + 3_400 * MS),
              org.assertj.core.groups.Tuple.tuple("other", T0 + 3_400 * MS));
      assertThat(bed.dropped(DropReason.STALE)).isEqualTo(2);
      assertThat(count(bed.driver.getKeyValueStore(SyncStores.FRAMES))).isZero();
    }
  }

  @Test
  void realtimeServesEveryReadyFrameWithinItsDeadline() {
    // The wall clock is 100 ms past the window end of 3.0 s: within the 150 ms budget, nothing to
    // shed, so a camera whose frames become ready together loses none of them.
    AvSyncConfig config = AvSyncConfig.defaults().withMaxBatch(8);
    try (SyncTestBed bed =
        new SyncTestBed(config, new RecordingLocalizer(8), T0 + 3_600 * MS, null)) {
      bed.audio("cam", T0, T0 + 4 * S, t -> 0.1);
      bed.frame("cam", T0 + 3 * S);
      bed.frame("cam", T0 + 3_200 * MS);

      bed.advanceWallClock(Duration.ofMillis(25)); // a camera is served once a tick
      assertThat(bed.heatmaps()).extracting(r -> r.value().frameTsUs()).containsExactly(T0 + 3 * S);
      bed.advanceWallClock(Duration.ofMillis(25));
      assertThat(bed.heatmaps())
          .extracting(r -> r.value().frameTsUs())
          .containsExactly(T0 + 3_200 * MS);
      assertThat(bed.dropped(DropReason.STALE)).isZero();
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
  void realtimeKeepsAWaitingFramePastItsDeadlineUntilItsAudioArrives() {
    // Late audio (a busy producer, a broker hiccup) must not turn into no output at all.
    try (SyncTestBed bed =
        new SyncTestBed(EAGER, new RecordingLocalizer(8), T0 + 3_400 * MS, null)) {
      bed.audio("cam", T0, T0 + 3_300 * MS, t -> 0.1);
      bed.frame("cam", T0 + 3 * S);
      bed.advanceWallClock(Duration.ofSeconds(2)); // 5.4 s: far past 3.65 s
      assertThat(bed.dropped(DropReason.STALE)).isZero();

      bed.audio("cam", T0 + 3_300 * MS, T0 + 3_600 * MS, t -> 0.1);
      assertThat(bed.heatmaps())
          .singleElement()
          .satisfies(r -> assertThat(r.value().audio().partial()).isFalse());
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
    AvSyncConfig config = AvSyncConfig.defaults().withMaxBatch(8);
    try (SyncTestBed bed =
        new SyncTestBed(
            config.withStaleBudget(Duration.ofSeconds(2)),
            new RecordingLocalizer(8),
            T0 + 5 * S,
            null)) {
      bed.audio("cam", T0, T0 + 4 * S, t -> 0.1);
      bed.frame("cam", T0 + 3 * S); // 1.5 s past its window end, within 2 s
      bed.frame("cam", T0 + 3_200 * MS);
      bed.advanceWallClock(Duration.ofMillis(25));
      bed.advanceWallClock(Duration.ofMillis(25)); // a camera is served once a tick

      assertThat(bed.heatmaps()).hasSize(2);
      assertThat(bed.dropped(DropReason.STALE)).isZero();
    }
  }

  private static long count(org.apache.kafka.streams.state.KeyValueStore<?, ?> store) {
    try (var it = store.all()) {
      long n = 0;
      while (it.hasNext()) {
        it.next();
        n++;
      }
      return n;
    }
  }
}
