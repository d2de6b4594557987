package io.avloc.modelserver.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class OpsServerTest {

  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> get(OpsServer s, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(s.url() + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void metricsAreScrapedInPrometheusFormatWithTheJvmBinders() throws Exception {
    PrometheusMeterRegistry registry = OpsServer.newRegistry("test");
    Counter.builder("avloc.deadletters")
        .tag("reason", "BAD_TIMESTAMP")
        .register(registry)
        .increment(3);
    try (OpsServer s = OpsServer.start(registry, "127.0.0.1", 0, () -> true)) {
      HttpResponse<String> r = get(s, "/metrics");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Type"))
          .hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
      assertThat(r.body())
          .contains("avloc_deadletters_total{reason=\"BAD_TIMESTAMP\",service=\"test\"} 3.0")
          .contains("jvm_memory_used_bytes")
          .contains("process_uptime_seconds");
    }
  }

  @Test
  void readinessFollowsTheServiceWhileHealthOnlySaysTheProcessIsUp() throws Exception {
    AtomicBoolean ready = new AtomicBoolean(false);
    try (OpsServer s = OpsServer.start(OpsServer.newRegistry("t"), "127.0.0.1", 0, ready::get)) {
      assertThat(get(s, "/health").statusCode()).isEqualTo(200);
      assertThat(get(s, "/ready").statusCode()).isEqualTo(503);
      ready.set(true);
      assertThat(get(s, "/ready").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void aBusyPortIsRefusedWithTheSettingToChange() throws Exception {
    try (OpsServer first =
        OpsServer.start(OpsServer.newRegistry("a"), "127.0.0.1", 0, () -> true)) {
      assertThatThrownBy(
              () ->
                  OpsServer.start(
                      OpsServer.newRegistry("b"), "127.0.0.1", first.port(), () -> true))
          .hasMessageContaining("port is in use")
          .hasMessageContaining("avloc.metrics.port");
    }
  }

  @Test
  void thePrintedUrlIsTheBoundAddress() throws Exception {
    try (OpsServer loop = OpsServer.start(OpsServer.newRegistry("a"), "127.0.0.1", 0, () -> true);
        OpsServer all = OpsServer.start(OpsServer.newRegistry("b"), "0.0.0.0", 0, () -> true)) {
      assertThat(loop.url()).isEqualTo("http://127.0.0.1:" + loop.port());
      assertThat(loop.address().isLoopbackAddress()).isTrue();
      assertThat(all.url()).isEqualTo("http://0.0.0.0:" + all.port());
      assertThat(all.address().isAnyLocalAddress()).isTrue();
    }
  }
}
