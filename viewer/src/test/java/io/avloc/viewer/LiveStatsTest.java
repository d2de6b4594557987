package io.avloc.viewer;

import static io.avloc.viewer.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.avloc.core.media.GroundTruthHeaders;
import io.avloc.core.media.GroundTruthLabel;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LiveStatsTest {

  private static final long T0 = 1_700_000_000_000_000L;
  private final AtomicLong clock = new AtomicLong(T0);
  private final LiveStats stats = new LiveStats(Duration.ofSeconds(10), 1000, clock::get);

  /** Records an event arriving at {@code atUs} that was captured {@code latencyMs} before. */
  private void arrive(String camera, long atUs, double latencyMs, boolean partial) {
    clock.set(atUs);
    stats.record(
        event(camera, atUs - (long) (latencyMs * 1000), 0.5, 0.5, 0.3, partial),
        GroundTruthLabel.NONE);
  }

  @Test
  void rateIsEventsInTheWindowOverTheWindow() {
    for (int i = 0; i < 200; i++) {
      arrive("cam", T0 + i * 100_000L, 50, false); // 10 per second for 20 s
    }
    clock.set(T0 + 20_000_000L);
    CameraSnapshot s = stats.snapshot().camera("cam").orElseThrow();
    assertThat(s.events()).isEqualTo(200);
    assertThat(s.eventsPerSecond()).isCloseTo(10.0, within(0.11));
    assertThat(s.latencyMs().samples()).isBetween(99, 101);
  }

  @Test
  void aYoungCameraIsMeasuredOverItsLifeAndAQuietOneDropsToZero() {
    for (int i = 0; i < 40; i++) {
      arrive("cam", T0 + i * 50_000L, 10, false); // 20 per second for 2 s
    }
    clock.set(T0 + 2_000_000L);
    assertThat(stats.snapshot().camera("cam").orElseThrow().eventsPerSecond())
        .isCloseTo(20.0, within(0.01));
    clock.set(T0 + 30_000_000L);
    CameraSnapshot quiet = stats.snapshot().camera("cam").orElseThrow();
    assertThat(quiet.eventsPerSecond()).isZero();
    assertThat(quiet.latencyMs().p50()).isNull();
    assertThat(quiet.partialAudioShare()).isNull();
    assertThat(quiet.events()).isEqualTo(40);
  }

  @Test
  void latencyPercentilesAreNearestRankOverTheWindow() {
    // Latencies 1..100 ms in shuffled order, all within the window.
    int[] order = new int[100];
    for (int i = 0; i < 100; i++) {
      order[i] = (i * 37) % 100 + 1;
    }
    for (int i = 0; i < 100; i++) {
      arrive("cam", T0 + i * 10_000L, order[i], false);
    }
    CameraSnapshot.Latency l = stats.snapshot().camera("cam").orElseThrow().latencyMs();
    assertThat(l.p50()).isCloseTo(50.0, within(1e-9));
    assertThat(l.p99()).isCloseTo(99.0, within(1e-9));
    assertThat(l.max()).isCloseTo(100.0, within(1e-9));
    assertThat(l.samples()).isEqualTo(100);
  }

  @Test
  void oldLatenciesLeaveTheWindow() {
    for (int i = 0; i < 10; i++) {
      arrive("cam", T0 + i * 100_000L, 5000, false); // a slow start
    }
    for (int i = 0; i < 10; i++) {
      arrive("cam", T0 + 20_000_000L + i * 100_000L, 40, false);
    }
    CameraSnapshot.Latency l = stats.snapshot().camera("cam").orElseThrow().latencyMs();
    assertThat(l.p99()).isCloseTo(40.0, within(1e-9));
    assertThat(l.samples()).isEqualTo(10);
  }

  @Test
  void partialAudioShareCountsTheWindow() {
    for (int i = 0; i < 8; i++) {
      arrive("cam", T0 + i * 100_000L, 10, i % 4 == 0);
    }
    assertThat(stats.snapshot().camera("cam").orElseThrow().partialAudioShare())
        .isCloseTo(0.25, within(1e-12));
  }

  @Test
  void pointingAccuracyCountsOnScreenEventsOnlyAndTheLatestPeakIsShown() {
    String box = "0.1,0.1,0.4,0.4";
    GroundTruthLabel on =
        GroundTruthHeaders.read(
            TestEvents.truthHeaders("dog", box, true), GroundTruthHeaders.Parsing.LENIENT);
    GroundTruthLabel off =
        GroundTruthHeaders.read(
            TestEvents.truthHeaders("dog", "", false), GroundTruthHeaders.Parsing.LENIENT);
    stats.record(event("cam", T0, 0.2, 0.2, 0.8, false), on); // hit
    stats.record(event("cam", T0, 0.3, 0.35, 0.6, false), on); // hit
    stats.record(event("cam", T0, 0.7, 0.7, 0.4, false), on); // miss
    stats.record(event("cam", T0, 0.2, 0.2, 0.1, false), off); // off-screen: not judged
    stats.record(event("cam", T0, 0.9, 0.9, 0.3, false), off); // off-screen: not judged
    stats.record(event("cam", T0, 0.25, 0.75, 0.5, false), GroundTruthLabel.NONE);

    CameraSnapshot s = stats.snapshot().camera("cam").orElseThrow();
    CameraSnapshot.Accuracy a = s.accuracy();
    assertThat(a.evaluated()).isEqualTo(3);
    assertThat(a.hits()).isEqualTo(2);
    assertThat(a.pointingAccuracy()).isCloseTo(2.0 / 3, within(1e-12));
    assertThat(a.offscreen()).isEqualTo(2);
    assertThat(a.withoutTruth()).isEqualTo(1);
    assertThat(a.meanAvScoreOnscreen()).isCloseTo(0.6, within(1e-12));
    assertThat(a.meanAvScoreOffscreen()).isCloseTo(0.2, within(1e-12));
    assertThat(a.onscreen()).isNull();
    assertThat(s.peakX()).isEqualTo(0.25);
    assertThat(s.peakY()).isEqualTo(0.75);
    assertThat(s.avScore()).isEqualTo(0.5);
  }

  @Test
  void withoutGroundTruthThereIsNoAccuracy() {
    arrive("cam", T0, 10, false);
    CameraSnapshot.Accuracy a = stats.snapshot().camera("cam").orElseThrow().accuracy();
    assertThat(a.pointingAccuracy()).isNull();
    assertThat(a.evaluated()).isZero();
    assertThat(a.withoutTruth()).isEqualTo(1);
  }

  @Test
  void camerasAreKeptApartAndSorted() {
    arrive("b", T0, 10, false);
    arrive("a", T0 + 1000, 20, false);
    arrive("b", T0 + 2000, 30, false);
    WatchStats s = stats.snapshot();
    assertThat(s.cameras()).extracting(CameraSnapshot::camera).containsExactly("a", "b");
    assertThat(s.camera("b").orElseThrow().events()).isEqualTo(2);
    assertThat(s.totalEvents()).isEqualTo(3);
    assertThat(s.windowSeconds()).isEqualTo(10.0);
  }

  @Test
  void theSampleCapShortensTheWindowButKeepsTheRateRight() {
    LiveStats capped = new LiveStats(Duration.ofSeconds(10), 50, clock::get);
    for (int i = 0; i < 500; i++) {
      clock.set(T0 + i * 10_000L); // 100 per second for 5 s
      capped.record(event("cam", clock.get(), 0.5, 0.5, 0, false), GroundTruthLabel.NONE);
    }
    CameraSnapshot s = capped.snapshot().camera("cam").orElseThrow();
    assertThat(s.latencyMs().samples()).isEqualTo(50);
    assertThat(s.eventsPerSecond()).isCloseTo(100.0, within(3.0));
  }

  @Test
  void invalidRecordsAreCounted() {
    stats.recordInvalid();
    stats.recordInvalid();
    assertThat(stats.snapshot().invalidRecords()).isEqualTo(2);
  }

  @Test
  void percentileIsTheNearestRank() {
    double[] v = {1, 2, 3, 4};
    assertThat(LiveStats.percentile(v, 0.5)).isEqualTo(2);
    assertThat(LiveStats.percentile(v, 0.51)).isEqualTo(3);
    assertThat(LiveStats.percentile(v, 0.99)).isEqualTo(4);
    assertThat(LiveStats.percentile(new double[] {7}, 0.5)).isEqualTo(7);
  }
}
