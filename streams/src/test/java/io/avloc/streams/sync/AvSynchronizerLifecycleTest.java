package io.avloc.streams.sync;

import static io.avloc.streams.sync.SyncTestBed.MS;
import static io.avloc.streams.sync.SyncTestBed.S;
import static io.avloc.streams.sync.SyncTestBed.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.avloc.core.pair.AvPair;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cameras coming and going, and state outliving the process. */
class AvSynchronizerLifecycleTest {

  @Test
  void idleCameraIsFlushedForgottenAndStartsCleanWhenItReturns() {
    AvSyncConfig config = AvSyncConfig.defaults().withMode(SyncMode.CATCH_UP).withMaxBatch(1);
    try (SyncTestBed bed = new SyncTestBed(config)) {
      bed.audio("cam", T0, T0 + 4_200 * MS, t -> 0.1);
      bed.frame("cam", T0 + 3 * S);
      bed.frame("cam", T0 + 4 * S); // waits for audio up to 4.5 s
      assertThat(bed.heatmaps()).hasSize(1);
      assertThat(bed.activeCameras()).isEqualTo(1);

      bed.advanceWallClock(Duration.ofSeconds(59));
      assertThat(bed.expiredCameras()).isZero();

      bed.advanceWallClock(Duration.ofSeconds(1));

      assertThat(bed.expiredCameras()).isEqualTo(1);
      assertThat(bed.activeCameras()).isZero();
      assertThat(bed.heatmaps())
          .as("the waiting frame is flushed with the audio there is")
          .singleElement()
          .satisfies(
              r -> {
                assertThat(r.value().frameTsUs()).isEqualTo(T0 + 4 * S);
                assertThat(r.value().audio().partial()).isTrue();
              });
      for (String store : SyncStores.NAMES) {
        assertThat(bed.storeSize(store)).as(store).isZero();
      }

      // Back, with an older clock: a fresh camera, so nothing is out of order.
      bed.audio("cam", T0, T0 + 3 * S, t -> 0.2);
      bed.frame("cam", T0 + 1 * S); // the grace (to 2.5 s) has passed on the camera's clock
      assertThat(bed.heatmaps()).hasSize(1);
      assertThat(bed.dropped(DropReason.OUT_OF_ORDER)).isZero();
      assertThat(bed.activeCameras()).isEqualTo(1);
      AvPair pair = bed.localizer.pairs().get(2);
      assertThat(pair.partial()).as("window [-1.5 s, 1.5 s] starts before its audio").isTrue();
    }
  }

  @Test
  void realtimeExpiryDropsWaitingFramesAsStale() {
    try (SyncTestBed bed = new SyncTestBed(AvSyncConfig.defaults().withMaxBatch(1))) {
      bed.audio("cam", T0, T0 + 3_200 * MS, t -> 0.1);
      bed.frame("cam", T0 + 3 * S);

      bed.advanceWallClock(Duration.ofSeconds(60));

      assertThat(bed.heatmaps()).isEmpty();
      assertThat(bed.dropped(DropReason.STALE)).isEqualTo(1);
      assertThat(bed.expiredCameras()).isEqualTo(1);
    }
  }

  @Test
  void activeCameraIsNotExpiredAndIdleTimeoutIsConfigurable() {
    AvSyncConfig config =
        AvSyncConfig.defaults()
            .withMode(SyncMode.CATCH_UP)
            .withCameraIdleTimeout(Duration.ofSeconds(5));
    try (SyncTestBed bed = new SyncTestBed(config)) {
      bed.audio("busy", T0, T0 + 100 * MS, t -> 0.1);
      bed.audio("quiet", T0, T0 + 100 * MS, t -> 0.1);
      for (int i = 1; i <= 6; i++) {
        bed.advanceWallClock(Duration.ofSeconds(1));
        bed.audio("busy", T0 + i * 100 * MS, T0 + (i + 1) * 100 * MS, t -> 0.1);
      }
      assertThat(bed.expiredCameras()).isEqualTo(1);
      assertThat(bed.activeCameras()).isEqualTo(1);
      KeyValueStore<String, CameraState> cameras = bed.driver.getKeyValueStore(SyncStores.CAMERAS);
      assertThat(cameras.get("busy")).isNotNull();
      assertThat(cameras.get("quiet")).isNull();
    }
  }

  @Test
  void pendingAndQueuedFramesSurviveARestartOnTheSameStateDirectory(@TempDir Path dir) {
    Path live = dir.resolve("live");
    Path preserved = dir.resolve("preserved");
    AvSyncConfig config = AvSyncConfig.defaults();
    // The driver deletes its task directories at the end of close(), after the stores have been
    // flushed and closed; the stores copy the state directory aside at that moment.
    Runnable keep = () -> SyncTestBed.copyTree(live, preserved);
    try (SyncTestBed bed =
        new SyncTestBed(
            config, new RecordingLocalizer(8), T0, live, AfterCloseStores.builders(keep))) {
      bed.audio("waiting", T0, T0 + 3_300 * MS, t -> 0.1);
      bed.frame("waiting", T0 + 3 * S);
      bed.audio("queued", T0, T0 + 3_500 * MS, t -> 0.3);
      bed.frame("queued", T0 + 3 * S);
      assertThat(bed.heatmaps()).as("no batch ran before the shutdown").isEmpty();
    }

    try (SyncTestBed bed = new SyncTestBed(config, new RecordingLocalizer(8), T0, preserved)) {
      assertThat(bed.activeCameras()).isEqualTo(2);
      bed.audio("waiting", T0 + 3_300 * MS, T0 + 3_500 * MS, t -> 0.1);
      bed.advanceWallClock(Duration.ofMillis(25));

      assertThat(bed.localizer.batches).hasSize(1);
      assertThat(bed.localizer.batches.get(0))
          .extracting(AvPair::camera, AvPair::partial)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple("queued", false),
              org.assertj.core.groups.Tuple.tuple("waiting", false));
      assertThat(bed.localizer.batches.get(0).get(0).audio()[0]).isCloseTo(0.3f, within(1e-4f));
      assertThat(bed.heatmaps()).hasSize(2);
    }
  }

  @Test
  void runsUnderExactlyOnceV2WithBatchesFromProcessAndFromThePunctuator() {
    Properties eos = new Properties();
    eos.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    try (SyncTestBed bed =
        new SyncTestBed(
            AvSyncConfig.defaults().withMaxBatch(2),
            new RecordingLocalizer(8),
            T0,
            null,
            SyncStores.builders(),
            eos)) {
      for (String camera : List.of("a", "b", "c")) {
        bed.audio(camera, T0, T0 + 3_500 * MS, t -> 0.1);
        bed.frame(camera, T0 + 3 * S);
      }
      assertThat(bed.heatmaps()).extracting(r -> r.key()).containsExactly("a", "b");

      bed.advanceWallClock(Duration.ofMillis(25));
      assertThat(bed.heatmaps()).extracting(r -> r.key()).containsExactly("c");
      assertThat(bed.storeSize(SyncStores.FRAMES)).isZero();
    }
  }
}
