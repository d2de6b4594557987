package io.avloc.viewer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ConsoleTableTest {

  private static CameraSnapshot camera(String id, boolean withTruth) {
    return new CameraSnapshot(
        id,
        "tiny@1",
        "fnac",
        120,
        9.87,
        1_000_000,
        1_100_000,
        0.4123,
        0.5,
        0.83,
        -0.25,
        2,
        new CameraSnapshot.Latency(112.4, 240.6, 300.0, 98),
        42.0,
        0.125,
        withTruth
            ? new CameraSnapshot.Accuracy("dog", true, 40, 35, 35.0 / 40, 3, 0, 0.5, 0.1)
            : new CameraSnapshot.Accuracy(null, null, 0, 0, null, 0, 120, null, null));
  }

  private static WatchStats stats(CameraSnapshot... cameras) {
    return new WatchStats(0, 10, "reading avloc.heatmaps (1 partitions)", 0, List.of(cameras));
  }

  @Test
  void theTableHasAHeaderAndOneAlignedRowPerCamera() {
    String table =
        ConsoleTable.table("title line", stats(camera("cam-1", true), camera("b", false)));
    List<String> lines = table.lines().toList();
    assertThat(lines).hasSize(4);
    assertThat(lines.get(0)).isEqualTo("title line");
    assertThat(lines.get(1))
        .startsWith("camera ")
        .contains("ev/s", "peak x", "peak y", "score", "av", "p50 ms", "p99 ms", "pointing");
    assertThat(lines.get(2).split("\\s+"))
        .containsExactly(
            "cam-1", "9.9", "0.41", "0.50", "0.83", "-0.25", "112", "241", "87.5%", "(35/40)", "3",
            "13%", "-");
    assertThat(lines.get(3).split("\\s+"))
        .containsExactly(
            "b", "9.9", "0.41", "0.50", "0.83", "-0.25", "112", "241", "-", "-", "13%", "-");
    // every row is as wide as the header: columns line up
    assertThat(lines.get(2)).hasSameSizeAs(lines.get(1));
    assertThat(lines.get(3)).hasSameSizeAs(lines.get(1));
  }

  @Test
  void missingValuesAreDashes() {
    CameraSnapshot c = camera("cam", false);
    CameraSnapshot quiet =
        new CameraSnapshot(
            c.camera(),
            c.model(),
            c.method(),
            c.events(),
            0,
            c.lastFrameTsUs(),
            c.lastSeenUs(),
            c.peakX(),
            c.peakY(),
            c.peakScore(),
            c.avScore(),
            c.boxes(),
            new CameraSnapshot.Latency(null, null, null, 0),
            c.pipelineLatencyMs(),
            null,
            c.accuracy());
    String row = ConsoleTable.table(null, stats(quiet)).lines().toList().get(1);
    assertThat(row.split("\\s+"))
        .containsExactly(
            "cam", "0.0", "0.41", "0.50", "0.83", "-0.25", "-", "-", "-", "-", "-", "-");
  }

  @Test
  void longCameraIdsAreCutToKeepTheTableNarrow() {
    String id = "a-very-long-camera-identifier-from-a-site";
    String row = ConsoleTable.table(null, stats(camera(id, false))).lines().toList().get(1);
    assertThat(row).startsWith(id.substring(0, 23) + "~ ");
  }

  @Test
  void anEmptyTableSaysSo() {
    assertThat(ConsoleTable.table("t", stats())).contains("(no heatmap events yet)");
  }

  @Test
  void linesAreSelfContainedKeyValues() {
    List<String> lines = ConsoleTable.lines("12:00:00", stats(camera("cam-1", true)));
    assertThat(lines)
        .containsExactly(
            "12:00:00 camera=cam-1 events=120 ev/s=9.9 peak=0.41,0.50 score=0.83 av=-0.25"
                + " p50_ms=112 p99_ms=241 pointing=87.5%(35/40) off=3 partial=13% frame=-");
  }

  @Test
  void eachCameraSaysWhichFrameItsHeatmapIsShownOnOrWhyNone() {
    WatchStats s =
        stats(camera("cam-1", true), camera("cam-2", false))
            .withFrames(
                List.of(
                    new FramePairing("cam-1", 7, 1000, FrameCache.Status.PAIRED, 1000L, null),
                    new FramePairing(
                        "cam-2", 8, 2000, FrameCache.Status.EVICTED, null, "it was dropped")));
    List<String> rows = ConsoleTable.table(null, s).lines().toList();
    assertThat(rows.get(0)).contains("frame");
    assertThat(rows.get(1).split("\\s+")).endsWith("paired");
    assertThat(rows.get(2).split("\\s+")).endsWith("evicted");
    assertThat(rows.get(1)).hasSameSizeAs(rows.get(0));
    assertThat(rows.get(3)).isEqualTo("cam-2: heatmap shown without its frame: it was dropped");
    List<String> lines = ConsoleTable.lines(null, s);
    assertThat(lines.get(0)).endsWith(" frame=paired");
    assertThat(lines.get(1)).endsWith(" frame=evicted (it was dropped)");
  }

  @Test
  void invalidRecordsAreMentioned() {
    WatchStats s = new WatchStats(0, 10, "s", 4, List.of(camera("c", false)));
    assertThat(ConsoleTable.table(null, s)).contains("4 invalid heatmap record(s) skipped");
    assertThat(ConsoleTable.lines(null, s)).contains("invalid_records=4");
  }
}
