package io.avloc.modelserver.registry;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import com.fasterxml.jackson.databind.JsonNode;
import io.avloc.core.serde.Json;
import io.avloc.modelserver.engine.EngineKind;
import io.avloc.modelserver.engine.EngineOptions;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The model-registry and inference metric names that {@code monitoring/alerts.yml} and the Grafana
 * dashboard use are in a Prometheus scrape of a real {@link ModelRegistry} that served, swapped and
 * refused versions (streams' MonitoringMatchesMetersTest checks the pipeline's own meters).
 */
class MonitoringMatchesRegistryMetersTest {

  private static final Pattern REGISTRY_METRIC =
      Pattern.compile("\\b(avloc_(?:model|engine|inference)_[A-Za-z0-9_]*)");

  @TempDir Path tmp;

  private static Path monitoring() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.isDirectory(p.resolve("monitoring"))) {
      p = p.getParent();
    }
    assertThat(p).as("monitoring/ above the working directory").isNotNull();
    return p.resolve("monitoring");
  }

  private static Set<String> names(String expression) {
    Set<String> names = new TreeSet<>();
    Matcher m = REGISTRY_METRIC.matcher(expression);
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  /** Names in the rules' {@code expr:} values (one line, or a block indented below it). */
  private static Set<String> alertNames(Path alerts) throws Exception {
    Set<String> names = new TreeSet<>();
    List<String> lines = Files.readAllLines(alerts);
    for (int i = 0; i < lines.size(); i++) {
      int at = lines.get(i).indexOf("expr:");
      if (at < 0 || !lines.get(i).strip().startsWith("expr:")) {
        continue;
      }
      StringBuilder expr = new StringBuilder(lines.get(i).substring(at + 5));
      while (i + 1 < lines.size()
          && (lines.get(i + 1).isBlank()
              || lines.get(i + 1).length() - lines.get(i + 1).stripLeading().length() > at)) {
        expr.append(' ').append(lines.get(++i).strip());
      }
      names.addAll(names(expr.toString()));
    }
    return names;
  }

  /** Names in the dashboard panels' query expressions. */
  private static Set<String> dashboardNames(Path dashboard) throws Exception {
    Set<String> names = new TreeSet<>();
    JsonNode root = Json.MAPPER.readTree(dashboard.toFile());
    for (JsonNode panel : root.path("panels")) {
      for (JsonNode target : panel.path("targets")) {
        names.addAll(names(target.path("expr").asText()));
      }
    }
    return names;
  }

  private static Set<String> sampleNames(String exposition) {
    Set<String> names = new TreeSet<>();
    for (String line : exposition.split("\n")) {
      if (!line.isBlank() && !line.startsWith("#")) {
        names.add(line.split("[{ ]", 2)[0]);
      }
    }
    return names;
  }

  @Test
  void everyRegistryMetricTheAlertsAndDashboardUseIsExported() throws Exception {
    Engine.getEngine("OnnxRuntime");
    ModelVersions versions = ModelVersions.export("mon", tmp.resolve("base"));
    Path models = Files.createDirectories(tmp.resolve("models"));
    versions.publish(models, "1");
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    RegistryConfig config =
        RegistryConfig.of(models)
            .withEngines(List.of(EngineKind.ONNXRUNTIME_GPU, EngineKind.ONNXRUNTIME))
            .withEngineOptions(EngineOptions.DEFAULTS.withMaxBatch(1))
            .withSettleTime(Duration.ofMillis(100));
    Set<String> scraped;
    try (ModelRegistry registry = ModelRegistry.open(config, prometheus)) {
      versions.publish(models, "2");
      long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (!registry.serving().orElseThrow().version().equals("2")) {
        assertThat(System.nanoTime()).as("version 2 serves in time").isLessThan(end);
        Thread.sleep(20);
      }
      try (ModelRegistry.Lease lease = registry.acquire()) {
        var s = lease.engine().shape();
        lease.run(
            new float[s.imageFloats()], new float[s.spectrogramFloats(s.frames())], 1, s.frames());
      }
      scraped = sampleNames(prometheus.scrape());
    }

    Set<String> used = new TreeSet<>(alertNames(monitoring().resolve("alerts.yml")));
    used.addAll(dashboardNames(monitoring().resolve("grafana/avloc-dashboard.json")));
    assertThat(used)
        .contains(
            "avloc_model_load_failures_total",
            "avloc_model_swaps_total",
            "avloc_engine_attempts_total",
            "avloc_model_serving",
            "avloc_model_loaded",
            "avloc_inference_latency_seconds_bucket",
            "avloc_inference_batch_size_bucket");
    Set<String> missing = new TreeSet<>(used);
    missing.removeAll(scraped);
    assertThat(missing).as("monitoring names missing from the registry's scrape").isEmpty();
  }
}
