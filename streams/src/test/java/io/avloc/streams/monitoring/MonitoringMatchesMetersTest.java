package io.avloc.streams.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.avloc.core.artifact.ModelExporter;
import io.avloc.core.model.Preset;
import io.avloc.modelserver.BatchModel;
import io.avloc.streams.AvlocStreamsApp;
import io.avloc.streams.AvlocTopology;
import io.avloc.streams.StreamsSettings;
import io.avloc.streams.inference.EmbeddedLocalizer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every metric name that {@code monitoring/alerts.yml} and the Grafana dashboard query exists in a
 * Prometheus scrape of the meters the real code registers, so renaming a meter (or its tags' owner)
 * fails here instead of silently blanking a panel or muting an alert.
 *
 * <p>What is exercised: the real {@link AvlocTopology} in a {@link TopologyTestDriver} (so {@code
 * MediaIngest} registers {@code avloc.deadletters} and the synchronizer {@code SyncMetrics}), a
 * real {@link EmbeddedLocalizer} over the model the app loads for {@code avloc.models} (a model
 * registry on a folder holding an untrained lite model: {@code avloc.inference.*}, {@code
 * avloc.model.*}, {@code avloc.engine.*}), and an unstarted {@link KafkaStreams} of that topology
 * bound with {@link KafkaStreamsMetrics} the way {@code AvlocStreamsApp} binds it ({@code
 * kafka_*}). {@code jvm_*} names are checked against Micrometer's {@link JvmMemoryMetrics} binder,
 * which the metrics endpoint is to bind; {@code process_*} names are not used by the monitoring
 * files.
 */
class MonitoringMatchesMetersTest {

  /** Metric names in PromQL: only the families avloc exports; label names never carry these. */
  private static final Pattern METRIC =
      Pattern.compile("\\b((?:avloc|kafka|jvm|process)_[A-Za-z0-9_:]*)");

  private static final Path MONITORING = repoRoot().resolve("monitoring");

  @TempDir static Path tmp;
  private static Set<String> scraped;

  @BeforeAll
  static void scrape() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Path models = tmp.resolve("models");
    Engine.getEngine("OnnxRuntime");
    ModelExporter.exportUntrained(
        Preset.LITE,
        ModelExporter.Description.untrained("monitoring-test", "1", 3),
        3,
        models.resolve("1"));
    StreamsSettings settings =
        StreamsSettings.of(
            Map.of(
                "avloc.bootstrap",
                "127.0.0.1:1",
                "avloc.state.dir",
                tmp.resolve("state").toString(),
                "avloc.models",
                models.toString()));
    try (BatchModel model = AvlocStreamsApp.loadModel(settings, null, registry);
        EmbeddedLocalizer localizer = new EmbeddedLocalizer(model, 4, registry, () -> 0L)) {
      Topology topology = AvlocTopology.build(settings, localizer, registry);
      Properties driverProps = AvlocStreamsApp.streamsProperties(settings);
      driverProps.put(StreamsConfig.STATE_DIR_CONFIG, tmp.resolve("driver").toString());
      try (TopologyTestDriver driver = new TopologyTestDriver(topology, driverProps)) {
        // Building the driver instantiates every processor, and with them their meters.
        assertThat(driver.producedTopicNames()).isNotNull();
      }
      // Not started: the constructor creates the stream threads' clients and their metrics.
      KafkaStreams streams =
          new KafkaStreams(topology, AvlocStreamsApp.streamsProperties(settings));
      try (KafkaStreamsMetrics kafka = new KafkaStreamsMetrics(streams)) {
        kafka.bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        scraped = sampleNames(registry.scrape());
      } finally {
        streams.close(Duration.ofSeconds(30));
      }
    }
  }

  private static Path repoRoot() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.isDirectory(p.resolve("monitoring"))) {
      p = p.getParent();
    }
    if (p == null) {
      throw new IllegalStateException("no monitoring/ above " + Path.of("").toAbsolutePath());
    }
    return p;
  }

  /** The sample names in Prometheus text format ({@code name{labels} value} lines). */
  static Set<String> sampleNames(String exposition) {
    Set<String> names = new TreeSet<>();
    for (String line : exposition.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int end = 0;
      while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
        end++;
      }
      names.add(line.substring(0, end));
    }
    return names;
  }

  /** Metric names in PromQL expressions, ignoring quoted label values. */
  static Set<String> metricNames(Iterable<String> expressions) {
    Set<String> names = new TreeSet<>();
    for (String e : expressions) {
      Matcher m = METRIC.matcher(e.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\""));
      while (m.find()) {
        names.add(m.group(1));
      }
    }
    return names;
  }

  /** The {@code expr:} of every rule in alerts.yml (plain, folded or literal block scalars). */
  static Set<String> alertExpressions() throws IOException {
    Set<String> exprs = new TreeSet<>();
    String[] lines = Files.readString(MONITORING.resolve("alerts.yml")).split("\n");
    for (int i = 0; i < lines.length; i++) {
      String t = lines[i].strip();
      if (!t.startsWith("expr:")) {
        continue;
      }
      String head = t.substring("expr:".length()).strip();
      if (!head.startsWith(">") && !head.startsWith("|")) {
        exprs.add(head);
        continue;
      }
      int indent = lines[i].indexOf("expr:");
      StringBuilder block = new StringBuilder();
      for (i++; i < lines.length; i++) {
        String l = lines[i];
        if (!l.isBlank() && l.length() - l.stripLeading().length() <= indent) {
          i--;
          break;
        }
        block.append(l.strip()).append(' ');
      }
      exprs.add(block.toString().strip());
    }
    return exprs;
  }

  /** Every panel target's {@code expr} and every template variable's query in the dashboard. */
  static Set<String> dashboardExpressions() throws IOException {
    JsonNode dash =
        new ObjectMapper().readTree(MONITORING.resolve("grafana/avloc-dashboard.json").toFile());
    Set<String> exprs = new TreeSet<>();
    for (JsonNode panel : dash.path("panels")) {
      for (JsonNode target : panel.path("targets")) {
        exprs.add(target.path("expr").asText());
      }
    }
    for (JsonNode v : dash.path("templating").path("list")) {
      if ("query".equals(v.path("type").asText())) {
        exprs.add(v.path("definition").asText());
        JsonNode q = v.path("query");
        exprs.add(q.isTextual() ? q.asText() : q.path("query").asText());
      }
    }
    exprs.remove("");
    return exprs;
  }

  private static Set<String> missing(Set<String> used) {
    Set<String> m = new TreeSet<>(used);
    m.removeAll(scraped);
    return m;
  }

  @Test
  void everyMetricTheAlertsUseIsExported() throws IOException {
    Set<String> exprs = alertExpressions();
    assertThat(exprs).hasSize(6);
    Set<String> used = metricNames(exprs);
    assertThat(used)
        .contains(
            "avloc_deadletters_total",
            "avloc_localize_latency_seconds_bucket",
            "avloc_sync_pairs_total",
            "avloc_cameras_active",
            "avloc_frames_dropped_total",
            "avloc_model_load_failures_total",
            "kafka_consumer_fetch_manager_records_lag_max");
    assertThat(missing(used)).as("alerts.yml names missing from the scrape").isEmpty();
  }

  @Test
  void everyMetricTheDashboardUsesIsExported() throws IOException {
    Set<String> exprs = dashboardExpressions();
    assertThat(exprs).hasSizeGreaterThanOrEqualTo(17);
    Set<String> used = metricNames(exprs);
    assertThat(used)
        .contains(
            "avloc_sync_pairs_total",
            "avloc_localize_latency_seconds_bucket",
            "avloc_inference_latency_seconds_bucket",
            "avloc_inference_batch_size_bucket",
            "avloc_frames_dropped_total",
            "avloc_audio_dropped_total",
            "avloc_deadletters_total",
            "avloc_cameras_active",
            "avloc_cameras_expired_total",
            "avloc_model_swaps_total",
            "avloc_model_serving",
            "avloc_engine_attempts_total",
            "kafka_consumer_fetch_manager_records_lag_max",
            "jvm_memory_used_bytes");
    assertThat(missing(used)).as("dashboard names missing from the scrape").isEmpty();
  }

  @Test
  void aRenamedMeterIsCaught() {
    Set<String> used =
        metricNames(
            Set.of(
                "sum(rate(avloc_sync_pairs_total{topic=\"avloc_not_a_metric\"}[5m]))",
                "rate(avloc_pairs_renamed_total[5m])"));
    assertThat(used).containsExactly("avloc_pairs_renamed_total", "avloc_sync_pairs_total");
    assertThat(missing(used)).containsExactly("avloc_pairs_renamed_total");
  }

  @Test
  void theScrapeHoldsTheRealMetersWithTheirTags() {
    assertThat(scraped)
        .contains(
            "avloc_inference_latency_seconds_count",
            "avloc_localize_latency_seconds_count",
            "avloc_inference_batch_size_count",
            "avloc_audio_dropped_total");
    Iterator<String> kafka = scraped.stream().filter(n -> n.startsWith("kafka_stream_")).iterator();
    assertThat(kafka.hasNext()).as("Kafka Streams client metrics bound").isTrue();
  }
}
