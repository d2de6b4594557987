package io.avloc.streams.sync;

import static io.avloc.streams.sync.SyncTestBed.MS;
import static io.avloc.streams.sync.SyncTestBed.S;
import static io.avloc.streams.sync.SyncTestBed.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.avloc.core.event.HeatmapEvent;
import io.avloc.core.media.AvlocHeaders;
import io.avloc.core.pair.AvPair;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/** How frames meet their audio: ordering, gaps, lookahead, grace, clocks, rates, headers. */
class AvSynchronizerPairingTest {

  /** One batch per ready pair, so pairing is seen without waiting for a punctuator. */
  private static final AvSyncConfig EAGER = AvSyncConfig.defaults().withMaxBatch(1);

  /** 16 kHz samples in the default 3 s window. */
  private static final int WINDOW = 48_000;

  /** A level per 100 ms chunk, so every window sample tells which chunk it came from. */
  static double level(long tUs) {
    return 0.1 + 0.01 * Math.floorDiv(tUs - T0, 100 * MS);
  }

  /** The level expected at window sample j of the frame at {@code frameUs} (default window). */
  private static double expected(long frameUs, int j) {
    return level(frameUs - 2_500 * MS + j * S / 16_000);
  }

  @Test
  void frameIsPairedWithTheAudioAroundItOnceTheLookaheadHasArrived() {
    try (SyncTestBed bed = new SyncTestBed(EAGER)) {
      bed.audio("cam", T0, T0 + 3_400 * MS, AvSynchronizerPairingTest::level);
      bed.frame("cam", T0 + 3 * S);
      assertThat(bed.heatmaps()).as("the window ends at 3.5 s, audio only reaches 3.4 s").isEmpty();

      bed.audio("cam", T0 + 3_400 * MS, T0 + 3_500 * MS, AvSynchronizerPairingTest::level);

      List<TestRecord<String, HeatmapEvent>> out = bed.heatmaps();
      assertThat(out).hasSize(1);
      assertThat(out.get(0).key()).isEqualTo("cam");
      assertThat(out.get(0).value().frameTsUs()).isEqualTo(T0 + 3 * S);
      assertThat(out.get(0).value().audio())
          .isEqualTo(new HeatmapEvent.AudioWindow(T0 + 500 * MS, T0 + 3_500 * MS, false));
      AvPair pair = bed.localizer.pairs().get(0);
      assertThat(pair.audio()).hasSize(WINDOW);
      assertThat(pair.partial()).isFalse();
      for (int j = 0; j < WINDOW; j++) {
        assertThat((double) pair.audio()[j]).isCloseTo(expected(T0 + 3 * S, j), within(1e-4));
      }
      assertThat(bed.pairs("complete")).isEqualTo(1);
    }
  }

  @Test
  void outOfOrderAudioChunksAreOrderedByTheStore() {
    List<Long> chunks = new ArrayList<>();
    for (long ts = T0; ts < T0 + 3_500 * MS; ts += 100 * MS) {
      chunks.add(ts);
    }
    long last = chunks.remove(chunks.size() - 1);
    long beforeLast = chunks.remove(chunks.size() - 1);
    Collections.shuffle(chunks, new Random(7));
    try (SyncTestBed bed = new SyncTestBed(EAGER)) {
      bed.frame("cam", T0 + 3 * S);
      for (long ts : chunks) {
        bed.audio("cam", ts, ts + 100 * MS, AvSynchronizerPairingTest::level);
      }
      bed.audio("cam", last, last + 100 * MS, AvSynchronizerPairingTest::level);
      assertThat(bed.heatmaps()).as("audio reaches 3.5 s but [3.3, 3.4) is missing").isEmpty();

      bed.audio("cam", beforeLast, beforeLast + 100 * MS, AvSynchronizerPairingTest::level);

      assertThat(bed.heatmaps()).hasSize(1);
      AvPair pair = bed.localizer.pairs().get(0);
      assertThat(pair.partial()).isFalse();
      for (int j = 0; j < WINDOW; j++) {
        assertThat((double) pair.audio()[j]).isCloseTo(expected(T0 + 3 * S, j), within(1e-4));
      }
      assertThat(bed.lateAudio()).isZero();
    }
  }

  @Test
  void gapIsZeroFilledExactlyWhereAudioIsMissingAndFlagsThePairPartial() {
    try (SyncTestBed bed = new SyncTestBed(EAGER)) {
      bed.audio("cam", T0, T0 + 1_000 * MS, AvSynchronizerPairingTest::level);
      // [1.0 s, 1.1 s) is lost
      bed.audio("cam", T0 + 1_100 * MS, T0 + 4_400 * MS, AvSynchronizerPairingTest::level);
      bed.frame("cam", T0 + 3 * S);
      assertThat(bed.heatmaps()).as("waits for the gap until the grace has passed").isEmpty();

      bed.audio("cam", T0 + 4_400 * MS, T0 + 4_500 * MS, AvSynchronizerPairingTest::level);

      assertThat(bed.heatmaps())
          .singleElement()
          .satisfies(r -> assertThat(r.value().audio().partial()).isTrue());
      float[] audio = bed.localizer.pairs().get(0).audio();
      int gapStart = 8_000; // (1.0 s − 0.5 s) × 16 kHz
      int gapEnd = 9_600;
      for (int j = 0; j < WINDOW; j++) {
        if (j >= gapStart && j < gapEnd) {
          assertThat(audio[j]).as("sample %d", j).isZero();
        } else {
          assertThat((double) audio[j])
              .as("sample %d", j)
              .isCloseTo(expected(T0 + 3 * S, j), within(1e-4));
        }
      }
      assertThat(bed.pairs("partial")).isEqualTo(1);
    }
  }

  @Test
  void frameWaitsForItsLookaheadAudioThenTheGraceReleasesItPartial() {
    try (SyncTestBed bed = new SyncTestBed(EAGER)) {
      bed.audio("cam", T0, T0 + 3_300 * MS, AvSynchronizerPairingTest::level);
      bed.frame("cam", T0 + 3 * S);
      bed.frame("cam", T0 + 4 * S);
      assertThat(bed.heatmaps())
          .as("the camera's clock (4.0 s) has not passed 3.0 + 0.5 + 1.0 s")
          .isEmpty();

      bed.frame("cam", T0 + 4_600 * MS);

      List<TestRecord<String, HeatmapEvent>> out = bed.heatmaps();
      assertThat(out).hasSize(1);
      assertThat(out.get(0).value().frameTsUs()).isEqualTo(T0 + 3 * S);
      assertThat(out.get(0).value().audio().partial()).isTrue();
      float[] audio = bed.localizer.pairs().get(0).audio();
      int audioEnd = 44_800; // (3.3 s − 0.5 s) × 16 kHz
      assertThat((double) audio[audioEnd - 1])
          .isCloseTo(expected(T0 + 3 * S, audioEnd - 1), within(1e-4));
      for (int j = audioEnd; j < WINDOW; j++) {
        assertThat(audio[j]).as("sample %d", j).isZero();
      }
    }
  }

  @Test
  void lateAudioIsDroppedAndCounted() {
    try (SyncTestBed bed = new SyncTestBed(EAGER)) {
      bed.audio("cam", T0, T0 + 1_000 * MS, AvSynchronizerPairingTest::level);
      bed.audio("cam", T0 + 1_100 * MS, T0 + 5_000 * MS, AvSynchronizerPairingTest::level);
      bed.frame("cam", T0 + 3 * S); // grace long over: partial
      bed.frame("cam", T0 + 3_800 * MS); // window [1.3, 4.3] complete
      bed.advanceWallClock(Duration.ofMillis(25)); // real time: a camera is served once a tick
      assertThat(bed.heatmaps()).hasSize(2);

      // [1.0, 1.1) belongs only to windows that have been released: frames after 3.8 s start later
      bed.audio("cam", T0 + 1_000 * MS, T0 + 1_100 * MS, AvSynchronizerPairingTest::level);

      assertThat(bed.lateAudio()).isEqualTo(1);
      KeyValueStore<Bytes, byte[]> audio = bed.driver.getKeyValueStore(SyncStores.AUDIO);
      assertThat(audio.get(CameraTimeKey.of("cam", T0 + 1_000 * MS))).isNull();
      assertThat(audio.get(CameraTimeKey.of("cam", T0 + 1_100 * MS))).isNotNull();
    }
  }

  @Test
  void camerasHoursApartKeepTheirOwnClocks() {
    long tb = T0 - Duration.ofHours(3).toNanos() / 1_000;
    // CATCH_UP: camera b is three hours behind the wall clock, which REALTIME would call stale.
    try (SyncTestBed bed = new SyncTestBed(EAGER.withMode(SyncMode.CATCH_UP))) {
      bed.audio("b", tb, tb + 3_300 * MS, t -> 0.25);
      bed.frame("b", tb + 3 * S);
      bed.audio("a", T0, T0 + 5 * S, t -> 0.5);
      bed.frame("a", T0 + 3 * S);

      List<TestRecord<String, HeatmapEvent>> out = bed.heatmaps();
      assertThat(out)
          .as("a's clock, hours ahead, releases a's frame and not b's")
          .extracting(TestRecord::key)
          .containsExactly("a");

      bed.audio("b", tb + 3_300 * MS, tb + 3_500 * MS, t -> 0.25);

      out = bed.heatmaps();
      assertThat(out).extracting(TestRecord::key).containsExactly("b");
      assertThat(out.get(0).value().audio())
          .isEqualTo(new HeatmapEvent.AudioWindow(tb + 500 * MS, tb + 3_500 * MS, false));
      for (float v : bed.localizer.pairs().get(1).audio()) {
        assertThat((double) v).isCloseTo(0.25, within(1e-4));
      }
    }
  }

  /** 0.25 before 2 s of camera time, 0.5 from then on. */
  private static double step(long tUs) {
    return tUs < T0 + 2 * S ? 0.25 : 0.5;
  }

  /** The step seen through the window of the frame at 3 s: the edge is at sample 24 000. */
  private static void assertStepWindow(float[] audio) {
    assertThat(audio).hasSize(WINDOW);
    // The filter's half-width is 2.2 ms (36 samples at 16 kHz); beyond it the step is flat.
    for (int j = 0; j < 24_000 - 50; j++) {
      assertThat((double) audio[j]).as("sample %d", j).isCloseTo(0.25, within(1e-3));
    }
    for (int j = 24_000 + 50; j < WINDOW; j++) {
      assertThat((double) audio[j]).as("sample %d", j).isCloseTo(0.5, within(1e-3));
    }
  }

  @Test
  void cameraRecordingAt48kHzIsResampledOnTheSameTimeline() {
    try (SyncTestBed bed = new SyncTestBed(EAGER)) {
      bed.audio("cam", T0, T0 + 3_600 * MS, 100 * MS, 48_000, AvSynchronizerPairingTest::step);
      bed.frame("cam", T0 + 3 * S);

      assertThat(bed.heatmaps()).hasSize(1);
      AvPair pair = bed.localizer.pairs().get(0);
      assertThat(pair.partial()).isFalse();
      assertStepWindow(pair.audio());
    }
  }

  @Test
  void sampleRateChangeMidStreamLeavesNoHole() {
    try (SyncTestBed bed = new SyncTestBed(EAGER)) {
      bed.audio("cam", T0, T0 + 2 * S, 100 * MS, 48_000, AvSynchronizerPairingTest::step);
      bed.audio(
          "cam", T0 + 2 * S, T0 + 3_600 * MS, 100 * MS, 44_100, AvSynchronizerPairingTest::step);
      bed.frame("cam", T0 + 3 * S);

      assertThat(bed.heatmaps()).hasSize(1);
      AvPair pair = bed.localizer.pairs().get(0);
      assertThat(pair.partial()).as("the 48 kHz stream is flushed up to 2 s").isFalse();
      assertStepWindow(pair.audio());
    }
  }

  @Test
  void stereoAudioIsMixedToMono() {
    try (SyncTestBed bed = new SyncTestBed(EAGER)) {
      for (long ts = T0; ts < T0 + 3_500 * MS; ts += 100 * MS) {
        float[] lr = new float[2 * 1_600];
        for (int i = 0; i < 1_600; i++) {
          lr[2 * i] = 0.2f;
          lr[2 * i + 1] = 0.6f;
        }
        bed.audioChunk("cam", ts, 16_000, 2, lr);
      }
      bed.frame("cam", T0 + 3 * S);

      assertThat(bed.heatmaps()).hasSize(1);
      for (float v : bed.localizer.pairs().get(0).audio()) {
        assertThat((double) v).isCloseTo(0.4, within(1e-4));
      }
    }
  }

  @Test
  void frameHeadersPassThroughWithTheModelHeader() {
    try (SyncTestBed bed = new SyncTestBed(EAGER)) {
      bed.audio("cam", T0, T0 + 3_500 * MS, t -> 0.1);
      bed.frame(
          "cam",
          T0 + 3 * S,
          SyncTestBed.header("gt-box", "0.1 0.2 0.3 0.4"),
          SyncTestBed.header(AvlocHeaders.MODEL, "stale@0"));

      TestRecord<String, HeatmapEvent> out = bed.heatmaps().get(0);
      assertThat(text(out.headers().lastHeader("gt-box"))).isEqualTo("0.1 0.2 0.3 0.4");
      assertThat(text(out.headers().lastHeader(AvlocHeaders.TS_US)))
          .isEqualTo(Long.toString(T0 + 3 * S));
      assertThat(out.headers().headers(AvlocHeaders.MODEL))
          .singleElement()
          .satisfies(h -> assertThat(text(h)).isEqualTo(RecordingLocalizer.MODEL));
      assertThat(out.timestamp()).as("the frame record's timestamp").isEqualTo((T0 + 3 * S) / MS);
    }
  }

  private static String text(Header h) {
    return new String(h.value(), StandardCharsets.UTF_8);
  }

  /**
   * A task may process one camera's whole frame backlog before any of its audio (Kafka Streams
   * interleaves a task's partitions by timestamp only among the records it has fetched). The frames
   * are released after the grace and still become heatmaps, partial; none is lost, and only the
   * audio that no released frame can use any more counts as late.
   */
  @Test
  void framesThatArriveBeforeAnyOfTheirAudioStillBecomeHeatmaps() {
    try (SyncTestBed bed = new SyncTestBed(AvSyncConfig.defaults().withMode(SyncMode.CATCH_UP))) {
      for (int k = 0; k < 240; k++) { // 10 fps for 24 s; the 5 Hz cap keeps every other frame
        bed.frame("cam", T0 + k * 100 * MS);
      }
      bed.advanceWallClock(Duration.ofMillis(100));
      List<TestRecord<String, HeatmapEvent>> out = new ArrayList<>(bed.heatmaps());
      bed.audio("cam", T0, T0 + 27 * S, AvSynchronizerPairingTest::level);
      bed.advanceWallClock(Duration.ofMillis(100));
      out.addAll(bed.heatmaps());

      assertThat(out.stream().map(r -> r.value().frameTsUs()).distinct())
          .as("every admitted frame becomes one heatmap")
          .hasSize(120)
          .allMatch(t -> (t - T0) % (200 * MS) == 0);
      assertThat(bed.pairs("partial") + bed.pairs("complete")).isEqualTo(120);
      assertThat(bed.pairs("complete"))
          .as("the frames still waiting for the grace get their audio")
          .isPositive();
      assertThat(bed.dropped(DropReason.OUT_OF_ORDER) + bed.dropped(DropReason.STALE)).isZero();
    }
  }
}
