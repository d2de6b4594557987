package io.avloc.cli;

import io.avloc.modelserver.ops.OpsServer;
import io.avloc.streams.AvlocStreamsApp;
import io.avloc.streams.InferenceMode;
import io.avloc.streams.StreamsSettings;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.CommonClientConfigs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code avloc streams}: the Kafka Streams application (embedded or distributed inference). */
@Command(
    name = "streams",
    mixinStandardHelpOptions = true,
    header = "Runs the streams application: media topics in, heatmap events out, exactly once.",
    description =
        "Runs the streams application: validates avloc.frames and avloc.audio, pairs "
            + "each frame with its audio, runs the model in micro-batches (on "
            + "avloc.model.engines; avloc.models hot-swaps a folder of versions) and "
            + "publishes heatmap events to avloc.heatmaps, exactly once. Bad records go to "
            + "avloc.deadletter. With --inference distributed it writes the pairs to "
            + "avloc.pairs instead, for the model servers ('avloc serve'), and loads no "
            + "model. Settings: defaults < --config FILE < --kafka-config FILE < AVLOC_* "
            + "environment < flags; see docs/streams.md (settings) and docs/security.md "
            + "(SASL/TLS).")
final class StreamsCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin KafkaOptions kafka;

  @Mixin ModelArtifactOption model;

  @Option(names = "--config", paramLabel = "FILE", description = "properties file of settings")
  Path config;

  @Option(
      names = "--mode",
      description = "realtime (drop frames that cannot be served in time) or catch-up")
  String mode;

  @Option(
      names = "--inference",
      description =
          "embedded (run the model here, the default) or distributed (write pairs to"
              + " avloc.pairs for 'avloc serve')")
  String inference;

  @Option(
      names = "--http-host",
      paramLabel = "ADDR",
      description =
          "address of the /metrics, /health, /ready endpoint (default: avloc.metrics.host,"
              + " 127.0.0.1; 0.0.0.0 for every interface)")
  String httpHost;

  @Override
  public Integer call() throws Exception {
    Map<String, String> flags = new LinkedHashMap<>(kafka.set);
    if (kafka.bootstrap != null) {
      flags.put(StreamsSettings.BOOTSTRAP_CONFIG, kafka.bootstrap);
      // A bootstrap.servers in a properties file passes through to Kafka: the flag wins over it.
      flags.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap);
    }
    if (httpHost != null) {
      flags.put(StreamsSettings.METRICS_HOST_CONFIG, httpHost);
    }
    if (model.model != null) {
      flags.put(StreamsSettings.MODEL_CONFIG, model.model.toString());
    }
    if (mode != null) {
      flags.put(StreamsSettings.SYNC_MODE_CONFIG, mode);
    }
    if (inference != null) {
      flags.put(StreamsSettings.INFERENCE_MODE_CONFIG, inference);
    }
    StreamsSettings settings;
    try {
      List<Path> files = new ArrayList<>();
      if (config != null) {
        files.add(config);
      }
      if (kafka.file != null) {
        files.add(kafka.file);
      }
      settings = StreamsSettings.loadFiles(files, System.getenv(), flags);
      io.avloc.streams.AvlocTopology.syncConfig(settings);
      InferenceMode.of(settings);
      AvlocStreamsApp.engineOrder(settings);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    PrometheusMeterRegistry registry = OpsServer.newRegistry("avloc-streams");
    int metricsPort = settings.getInt(StreamsSettings.METRICS_PORT_CONFIG);
    AtomicReference<AvlocStreamsApp> running = new AtomicReference<>();
    OpsServer ops =
        metricsPort < 0
            ? null
            : OpsServer.start(
                registry,
                settings.get(StreamsSettings.METRICS_HOST_CONFIG),
                metricsPort,
                // RUNNING says nothing about the broker: the app also asks the broker itself.
                () -> running.get() != null && running.get().ready());
    AvlocStreamsApp app;
    try {
      app =
          AvlocStreamsApp.start(
              settings,
              Path.of(settings.get(StreamsSettings.MODEL_CONFIG)),
              registry,
              Duration.ofSeconds(120));
    } catch (RuntimeException e) {
      if (ops != null) {
        ops.close();
      }
      throw e;
    }
    running.set(app);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  System.err.println("avloc streams: stopping");
                  app.close();
                  if (ops != null) {
                    ops.close();
                  }
                },
                "avloc-streams-shutdown"));
    spec.commandLine()
        .getOut()
        .printf(
            "avloc streams running (%s)%s; Ctrl-C to stop%n",
            app.inferenceMode() == InferenceMode.EMBEDDED
                ? "model " + app.modelId()
                : "distributed inference: pairs to "
                    + settings.get(StreamsSettings.TOPIC_PAIRS_CONFIG),
            ops == null ? "" : ", metrics at " + ops.url() + "/metrics");
    spec.commandLine().getOut().flush();
    app.awaitStop(Duration.ofDays(36500));
    Throwable f = app.failure();
    if (f != null) {
      throw new IllegalStateException("the streams application stopped: " + f.getMessage(), f);
    }
    return 0;
  }
}
