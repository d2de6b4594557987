package io.avloc.streams.sync;

import static io.avloc.streams.sync.SyncTestBed.MS;
import static io.avloc.streams.sync.SyncTestBed.S;
import static io.avloc.streams.sync.SyncTestBed.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.avloc.core.pair.AvPair;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

/** When batches run, what they hold, and what is left behind after them. */
class AvSynchronizerBatchingTest {

  /** Makes one frame of {@code camera} ready: its whole window of audio, then the frame. */
  private static void readyFrame(SyncTestBed bed, String camera, long baseUs) {
    bed.audio(camera, baseUs, baseUs + 3_500 * MS, t -> 0.1);
    bed.frame(camera, baseUs + 3 * S);
  }

  @Test
  void maxBatchReadyPairsRunABatchAtOnce() {
    try (SyncTestBed bed = new SyncTestBed(AvSyncConfig.defaults().withMaxBatch(3))) {
      readyFrame(bed, "a", T0);
      readyFrame(bed, "b", T0);
      assertThat(bed.localizer.batches).isEmpty();

      readyFrame(bed, "c", T0);

      assertThat(bed.localizer.batches).hasSize(1);
      assertThat(bed.localizer.batches.get(0))
          .extracting(AvPair::camera)
          .containsExactly("a", "b", "c");
      assertThat(bed.heatmaps()).extracting(r -> r.key()).containsExactly("a", "b", "c");
    }
  }

  @Test
  void localizersMaxBatchCapsTheBatch() {
    try (SyncTestBed bed =
        new SyncTestBed(AvSyncConfig.defaults(), new RecordingLocalizer(2), T0, null)) {
      readyFrame(bed, "a", T0);
      readyFrame(bed, "b", T0);
      readyFrame(bed, "c", T0);

      assertThat(bed.localizer.batches).hasSize(1);
      assertThat(bed.localizer.batches.get(0)).hasSize(2);

      bed.advanceWallClock(Duration.ofMillis(25));
      assertThat(bed.localizer.batches).hasSize(2);
      assertThat(bed.localizer.batches.get(1)).extracting(AvPair::camera).containsExactly("c");
    }
  }

  @Test
  void punctuatorRunsAPartialBatchAfterMaxDelay() {
    try (SyncTestBed bed = new SyncTestBed(AvSyncConfig.defaults())) {
      readyFrame(bed, "a", T0);
      readyFrame(bed, "b", T0);
      bed.advanceWallClock(Duration.ofMillis(24));
      assertThat(bed.heatmaps()).isEmpty();

      bed.advanceWallClock(Duration.ofMillis(1));

      assertThat(bed.localizer.batches).hasSize(1);
      assertThat(bed.localizer.batches.get(0)).extracting(AvPair::camera).containsExactly("a", "b");
      assertThat(bed.localizer.batchStarts).containsExactly(T0 + 25 * MS);
      assertThat(bed.heatmaps()).hasSize(2);
    }
  }

  @Test
  void maxDelayIsConfigurable() {
    try (SyncTestBed bed =
        new SyncTestBed(AvSyncConfig.defaults().withMaxDelay(Duration.ofMillis(100)))) {
      readyFrame(bed, "a", T0);
      bed.advanceWallClock(Duration.ofMillis(99));
      assertThat(bed.heatmaps()).isEmpty();

      bed.advanceWallClock(Duration.ofMillis(1));
      assertThat(bed.heatmaps()).hasSize(1);
    }
  }

  @Test
  void batchesMixCamerasInTheOrderTheirFramesBecameReady() {
    long tb = T0 - Duration.ofHours(5).toNanos() / 1_000;
    try (SyncTestBed bed = new SyncTestBed(AvSyncConfig.defaults().withMode(SyncMode.CATCH_UP))) {
      readyFrame(bed, "b", tb);
      readyFrame(bed, "a", T0);
      bed.audio("b", tb + 3_500 * MS, tb + 3_700 * MS, t -> 0.1);
      bed.frame("b", tb + 3_200 * MS);

      // CATCH_UP: a partial batch runs at the first tick without new records.
      bed.advanceWallClock(Duration.ofMillis(25));
      assertThat(bed.localizer.batches).isEmpty();
      bed.advanceWallClock(Duration.ofMillis(25));

      assertThat(bed.localizer.batches).hasSize(1);
      assertThat(bed.localizer.batches.get(0))
          .extracting(AvPair::camera, AvPair::frameTsUs)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple("b", tb + 3 * S),
              org.assertj.core.groups.Tuple.tuple("a", T0 + 3 * S),
              org.assertj.core.groups.Tuple.tuple("b", tb + 3_200 * MS));
    }
  }

  @Test
  void catchUpKeepsFillingABatchWhileRecordsKeepArriving() {
    try (SyncTestBed bed =
        new SyncTestBed(AvSyncConfig.defaults().withMode(SyncMode.CATCH_UP).withMaxBatch(4))) {
      for (String camera : List.of("a", "b", "c")) {
        readyFrame(bed, camera, T0);
        bed.advanceWallClock(Duration.ofMillis(25)); // records came during this tick: keep filling
      }
      assertThat(bed.localizer.batches).isEmpty();

      readyFrame(bed, "d", T0);

      assertThat(bed.localizer.batches)
          .extracting(b -> b.stream().map(AvPair::camera).toList())
          .containsExactly(List.of("a", "b", "c", "d"));
    }
  }

  @Test
  void catchUpRunsAPartialBatchOnceTheInputPausesForATick() {
    try (SyncTestBed bed = new SyncTestBed(AvSyncConfig.defaults().withMode(SyncMode.CATCH_UP))) {
      readyFrame(bed, "a", T0);
      readyFrame(bed, "b", T0);
      bed.advanceWallClock(Duration.ofMillis(25));
      assertThat(bed.localizer.batches).isEmpty();

      bed.advanceWallClock(Duration.ofMillis(25)); // no record since the last tick

      assertThat(bed.localizer.batches)
          .extracting(b -> b.stream().map(AvPair::camera).toList())
          .containsExactly(List.of("a", "b"));
      assertThat(bed.localizer.batchStarts).containsExactly(T0 + 50 * MS);
    }
  }

  @Test
  void catchUpRunsAPartialBatchAfterTheFillWaitWhileRecordsKeepArriving() {
    try (SyncTestBed bed = new SyncTestBed(AvSyncConfig.defaults().withMode(SyncMode.CATCH_UP))) {
      readyFrame(bed, "a", T0); // ready at wall clock T0
      long waitMs = AvSynchronizer.CATCH_UP_MIN_FILL_WAIT_US / 1_000;
      // Camera b keeps sending audio, never a frame: records every tick, nothing more gets ready.
      for (long ms = 25; ms < waitMs; ms += 25) {
        bed.audio("b", T0 + ms * MS, T0 + (ms + 25) * MS, t -> 0.1);
        bed.advanceWallClock(Duration.ofMillis(25));
      }
      assertThat(bed.localizer.batches).isEmpty();

      bed.audio("b", T0 + waitMs * MS, T0 + (waitMs + 25) * MS, t -> 0.1);
      bed.advanceWallClock(Duration.ofMillis(25)); // the oldest pair has waited the fill wait

      assertThat(bed.localizer.batches)
          .extracting(b -> b.stream().map(AvPair::camera).toList())
          .containsExactly(List.of("a"));
    }
  }

  @Test
  void camerasTakeTurnsByWhenTheyWereLastServed() {
    try (SyncTestBed bed =
        new SyncTestBed(
            AvSyncConfig.defaults().withMode(SyncMode.CATCH_UP).withMaxBatch(3),
            new RecordingLocalizer(3),
            T0,
            null)) {
      bed.audio("busy", T0, T0 + 5 * S, t -> 0.1);
      for (long ms = 3_000; ms <= 4_200; ms += 200) {
        bed.frame("busy", T0 + ms * MS); // two full batches of busy alone
      }
      bed.frame("busy", T0 + 4_400 * MS);
      bed.frame("busy", T0 + 4_600 * MS);
      bed.audio("quiet", T0, T0 + 4 * S, t -> 0.1);
      bed.frame("quiet", T0 + 3 * S); // ready after busy's two, but never served: first

      assertThat(bed.localizer.batches)
          .extracting(
              b -> b.stream().map(p -> p.camera() + "@" + (p.frameTsUs() - T0) / MS).toList())
          .containsExactly(
              List.of("busy@3000", "busy@3200", "busy@3400"),
              List.of("busy@3600", "busy@3800", "busy@4000"),
              List.of("quiet@3000", "busy@4200", "busy@4400"));
    }
  }

  @Test
  void pairsCarryTheirArrivalAndReadinessWallClock() {
    try (SyncTestBed bed = new SyncTestBed(AvSyncConfig.defaults())) {
      bed.audio("a", T0, T0 + 3_300 * MS, t -> 0.1);
      bed.frame("a", T0 + 3 * S);
      bed.advanceWallClock(Duration.ofMillis(10));
      bed.audio("a", T0 + 3_300 * MS, T0 + 3_500 * MS, t -> 0.1);
      bed.advanceWallClock(Duration.ofMillis(15));

      AvPair pair = bed.localizer.pairs().get(0);
      assertThat(pair.arrivedAtUs()).isEqualTo(T0);
      assertThat(pair.readyAtUs()).isEqualTo(T0 + 10 * MS);
      assertThat(bed.localizer.batchStarts).containsExactly(T0 + 25 * MS);
    }
  }

  @Test
  void emittedFramesAndQueueEntriesAreDeletedAndOldAudioIsTrimmed() {
    try (SyncTestBed bed = new SyncTestBed(AvSyncConfig.defaults())) {
      bed.audio("a", T0, T0 + 10 * S, t -> 0.1);
      bed.frame("a", T0 + 8 * S);
      bed.advanceWallClock(Duration.ofMillis(25));
      assertThat(bed.heatmaps()).hasSize(1);

      KeyValueStore<?, ?> frames = bed.driver.getKeyValueStore(SyncStores.FRAMES);
      KeyValueStore<?, ?> ready = bed.driver.getKeyValueStore(SyncStores.READY);
      assertThat(count(frames)).isZero();
      assertThat(count(ready)).isZero();
      // The clock is at 10 s; window + lookahead + grace = 4.5 s of audio stays: 5.5 s to 10 s.
      KeyValueStore<org.apache.kafka.common.utils.Bytes, byte[]> audio =
          bed.driver.getKeyValueStore(SyncStores.AUDIO);
      List<Long> kept = keys(audio);
      assertThat(kept.get(0)).isEqualTo(T0 + 5_500 * MS);
      assertThat(kept).hasSize(45);
    }
  }

  private static long count(KeyValueStore<?, ?> store) {
    long n = 0;
    try (var it = store.all()) {
      while (it.hasNext()) {
        it.next();
        n++;
      }
    }
    return n;
  }

  private static List<Long> keys(KeyValueStore<org.apache.kafka.common.utils.Bytes, byte[]> store) {
    List<Long> out = new java.util.ArrayList<>();
    try (var it = store.all()) {
      it.forEachRemaining(kv -> out.add(CameraTimeKey.tsUs(kv.key)));
    }
    return out;
  }
}
