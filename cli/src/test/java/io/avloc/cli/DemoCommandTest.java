package io.avloc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.avloc.core.event.HeatmapEvent;
import io.avloc.viewer.LiveStats;
import io.avloc.viewer.WatchStats;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class DemoCommandTest {

  private static final long T0 = 1_700_000_000_000_000L;

  private static HeatmapEvent event(String camera, long tsUs) {
    return new HeatmapEvent(
        camera,
        tsUs,
        "m@1",
        "fnac",
        new HeatmapEvent.Grid(1, 1, new float[] {0.5f}),
        new HeatmapEvent.Peak(0.5, 0.5, 0.5),
        0.0,
        List.of(),
        new HeatmapEvent.AudioWindow(tsUs - 2_500_000, tsUs + 500_000, false),
        new HeatmapEvent.Latency(0, 0, 0, 0),
        tsUs + 600_000);
  }

  @Test
  void theSummarysCountsAreTheLastStatusLines() {
    AtomicLong clock = new AtomicLong(T0);
    LiveStats stats = new LiveStats(Duration.ofSeconds(10), 1000, clock::get);
    for (int i = 0; i < 7; i++) {
      clock.addAndGet(200_000);
      stats.record(event(i % 2 == 0 ? "cam-0" : "cam-1", clock.get() - 700_000), null);
    }
    WatchStats last = stats.snapshot();
    Map<String, Long> dropped = new TreeMap<>(Map.of("rate-cap", 120L, "stale", 9L));

    String status = DemoCommand.status(last, dropped, 175, 70, 7.0);
    String summary = DemoCommand.summary(last, dropped, 7.0);

    assertThat(status).startsWith("t=    7s").contains("(7 total)");
    assertThat(number(status, "\\((\\d+) total\\)"))
        .isEqualTo(number(summary, "demo: (\\d+) heatmaps"));
    assertThat(status).endsWith("dropped {rate-cap=120, stale=9}");
    assertThat(summary).contains("from 2 cameras").contains("dropped {rate-cap=120, stale=9}");
    assertThat(summary).contains("cam-0        4 events").contains("cam-1        3 events");
    // --report-cameras: the same snapshot's counts per camera, in a line a script can read
    assertThat(DemoCommand.perCamera(last)).isEqualTo("demo: heatmaps per camera cam-0=4 cam-1=3");
  }

  @Test
  void setMayNotChangeWhatTheDemoDecidesItselfAndSaysWhatToUseInstead() {
    CliRun cli = new CliRun();
    int code = cli.run("demo", "--set", "avloc.sync.mode=catch-up", "--duration", "1s");
    assertThat(code).isEqualTo(2);
    assertThat(cli.err()).contains("--set avloc.sync.mode").contains("use --mode");
    assertThat(cli.out()).as("refused before any broker starts").doesNotContain("broker");
  }

  private static long number(String line, String regex) {
    Matcher m = Pattern.compile(regex).matcher(line);
    assertThat(m.find()).as("%s in %s", regex, line).isTrue();
    return Long.parseLong(m.group(1));
  }
}
