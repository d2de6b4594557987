package io.avloc.streams.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class ShedReportTest {

  private final MeterRegistry registry = new SimpleMeterRegistry();
  private final ShedReport report;

  ShedReportTest() {
    SyncMetrics.boundTo(registry);
    report = new ShedReport(registry);
  }

  private void count(String name, String tag, String value, double n) {
    registry.counter(name, tag, value).increment(n);
  }

  @Test
  void saysPlainlyWhatShareWasShedInEachInterval() {
    count(SyncMetrics.PAIRS, "audio", "complete", 6);
    count(SyncMetrics.PAIRS, "audio", "partial", 2);
    count(SyncMetrics.FRAMES_DROPPED, "reason", "stale", 12);
    count(SyncMetrics.FRAMES_DROPPED, "reason", "rate-cap", 80); // by design, not load

    ShedReport.Interval first = report.next();
    assertThat(first.paired()).isEqualTo(8);
    assertThat(first.shed()).isEqualTo(12);
    assertThat(first.line())
        .hasValue(
            "shedding 60 % of frames: pipeline at capacity (8 served, 12 replaced by their camera's"
                + " newer frame)");

    count(SyncMetrics.PAIRS, "audio", "complete", 5);
    ShedReport.Interval second = report.next();
    assertThat(second.paired()).isEqualTo(5);
    assertThat(second.shed()).isZero();
    assertThat(second.line()).isEmpty();
  }
}
