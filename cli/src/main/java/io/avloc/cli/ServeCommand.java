package io.avloc.cli;

import io.avloc.core.media.AvlocTopics;
import io.avloc.modelserver.BatchModel;
import io.avloc.modelserver.ModelSource;
import io.avloc.modelserver.PairInference;
import io.avloc.modelserver.batch.BatcherConfig;
import io.avloc.modelserver.engine.EngineKind;
import io.avloc.modelserver.engine.EngineOptions;
import io.avloc.modelserver.ops.OpsServer;
import io.avloc.modelserver.serve.BearerToken;
import io.avloc.modelserver.serve.PairServer;
import io.avloc.modelserver.serve.ServeConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code avloc serve}: the model server of distributed mode (the GPU stage). */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    header = "Runs a model server for pairs on avloc.pairs and POST /v1/localize.",
    description =
        "Runs a model server: consumes the pairs that 'avloc streams --inference "
            + "distributed' writes to avloc.pairs, localizes them in batches across "
            + "partitions and publishes heatmap events to avloc.heatmaps exactly once (one "
            + "Kafka transaction per poll, offsets included). Start more instances with the "
            + "same --group to scale out. HTTP: /metrics, /health, /ready and POST "
            + "/v1/localize (an image and a WAV in, a heatmap event out); see docs/serve.md.")
final class ServeCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin KafkaOptions kafka;

  @Mixin ModelArtifactOption model;

  @Option(
      names = "--models",
      paramLabel = "DIR",
      description =
          "folder of model versions, one artifact per subfolder: serves the newest that loads and"
              + " hot-swaps to a newer one copied in while running (instead of --model)")
  Path models;

  @Option(
      names = "--engines",
      paramLabel = "LIST",
      defaultValue = "onnxruntime",
      description =
          "inference engines in order of preference, the first that loads the model wins, e.g."
              + " tensorrt,onnxruntime; known: onnxruntime, tensorrt, onnxruntime-gpu, pytorch"
              + " (default: ${DEFAULT-VALUE})")
  String engines;

  @Option(
      names = "--group",
      defaultValue = ServeConfig.DEFAULT_GROUP,
      description = "consumer group shared by all instances (default: ${DEFAULT-VALUE})")
  String group;

  @Option(
      names = "--instance-id",
      paramLabel = "ID",
      description =
          "this instance's name in the group, stable across restarts (e.g. the pod name): a"
              + " restarted instance then fences its crashed predecessor at once (default: random)")
  String instanceId;

  @Option(
      names = "--pairs-topic",
      defaultValue = AvlocTopics.PAIRS,
      description = "input topic (default: ${DEFAULT-VALUE})")
  String pairsTopic;

  @Option(
      names = "--heatmaps-topic",
      defaultValue = AvlocTopics.HEATMAPS,
      description = "output topic (default: ${DEFAULT-VALUE})")
  String heatmapsTopic;

  @Option(
      names = "--deadletter-topic",
      defaultValue = AvlocTopics.DEADLETTER,
      description = "topic for broken pair records (default: ${DEFAULT-VALUE})")
  String deadletterTopic;

  @Option(
      names = "--partitions",
      defaultValue = "4",
      description = "partitions of topics it creates when missing (default: ${DEFAULT-VALUE})")
  int partitions;

  @Option(
      names = "--max-batch",
      defaultValue = "" + BatcherConfig.DEFAULT_MAX_BATCH_SIZE,
      description = "largest inference batch (default: ${DEFAULT-VALUE})")
  int maxBatch;

  @Option(
      names = "--engine-threads",
      paramLabel = "N",
      description =
          "threads ONNX Runtime on the CPU runs a batch on, the batch split over them, each part"
              + " single-threaded; 0 = ONNX Runtime's own pool (every operator split over the"
              + " cores: faster for a lone request on an idle machine, far slower when other work"
              + " competes for the cores, docs/benchmarks.md) (default: --max-batch, one pair"
              + " per thread, as avloc streams)")
  Integer engineThreads;

  @Option(
      names = "--max-delay",
      defaultValue = "10ms",
      converter = DurationConverter.class,
      description = "longest wait for a batch to fill (default: ${DEFAULT-VALUE})")
  Duration maxDelay;

  @Option(
      names = "--http-port",
      defaultValue = "9465",
      description = "HTTP port; 0 = any free port, -1 = off (default: ${DEFAULT-VALUE})")
  int httpPort;

  @Option(
      names = "--http-host",
      paramLabel = "ADDR",
      defaultValue = ServeConfig.DEFAULT_HTTP_HOST,
      description =
          "address the HTTP port binds to; 0.0.0.0 for every interface (default:"
              + " ${DEFAULT-VALUE})")
  String httpHost;

  @Option(
      names = "--token-file",
      paramLabel = "FILE",
      description =
          "require 'Authorization: Bearer <token>' on POST /v1/localize, the token being the"
              + " content of FILE (or of the "
              + BearerToken.ENV
              + " environment variable); default: no token")
  Path tokenFile;

  @Override
  public Integer call() throws Exception {
    ServeConfig.Builder b = configBuilder();
    ServeConfig config = parameter(b::build);
    EngineOptions engine = engineOptions(config);
    List<EngineKind> order = engineOrder();
    ModelSource source = modelSource();
    PrometheusMeterRegistry registry = OpsServer.newRegistry("avloc-serve");
    BatchModel loaded = source.open(order, engine, registry);
    PairServer server;
    try {
      // The window the model was trained on is the one the pairs must carry.
      config =
          b.window(
                  Duration.ofNanos(
                      Math.round(loaded.manifest().preprocessing().audio().windowSeconds() * 1e9)))
              .build();
      PairInference inference =
          new PairInference(
              loaded, config.maxBatch(), registry, () -> System.currentTimeMillis() * 1000);
      server = PairServer.start(config, inference, registry);
    } catch (RuntimeException e) {
      loaded.close();
      throw e;
    }
    return runUntilStopped(server, loaded, config);
  }

  /** The settings from the options; a bad one is a usage error naming it. */
  private ServeConfig.Builder configBuilder() {
    ServeConfig.Builder b =
        parameter(
            () ->
                ServeConfig.builder()
                    .kafka(kafka.settings())
                    .localizeToken(BearerToken.resolve(tokenFile, System.getenv())));
    b.group(group)
        .pairsTopic(pairsTopic)
        .heatmapsTopic(heatmapsTopic)
        .deadletterTopic(deadletterTopic)
        .partitions(partitions)
        .maxBatch(maxBatch)
        .maxDelay(maxDelay)
        .httpHost(httpHost)
        .httpPort(httpPort);
    if (instanceId != null) {
      b.instanceId(instanceId);
    }
    return b;
  }

  /**
   * How serve loads every model (the first and each hot-swapped version): batches up to {@code
   * --max-batch}, split over {@code --engine-threads} (default: one thread per pair of a full
   * batch, the streams application's default).
   */
  EngineOptions engineOptions(ServeConfig config) {
    int threads = engineThreads == null ? config.maxBatch() : engineThreads;
    if (threads < 0) {
      throw new ParameterException(
          spec.commandLine(),
          "--engine-threads must be 0 (ONNX Runtime's own pool) or a number of threads, not "
              + threads);
    }
    return EngineOptions.DEFAULTS.withMaxBatch(config.maxBatch()).withCpuThreads(threads);
  }

  private List<EngineKind> engineOrder() {
    try {
      return EngineKind.parseOrder(engines);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--engines: " + e.getMessage());
    }
  }

  /** {@code --models} (hot swap) or {@code --model} (one artifact, the bundled one by default). */
  private ModelSource modelSource() {
    if (models != null && model.model != null) {
      throw new ParameterException(
          spec.commandLine(),
          "--model and --models exclude each other: pass --models DIR to serve (and hot-swap)"
              + " the versions in DIR, or --model DIR for one fixed model");
    }
    return parameter(() -> ModelSource.resolve(model.orBundled(), "--model", models, "--models"));
  }

  /** {@code get()}, with an {@link IllegalArgumentException} reported as a usage error. */
  private <T> T parameter(java.util.function.Supplier<T> get) {
    try {
      return get.get();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  /** Serves until Ctrl-C (a shutdown hook stops the server) or a failure, which it rethrows. */
  private int runUntilStopped(PairServer server, BatchModel loaded, ServeConfig config)
      throws InterruptedException {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  System.err.println("avloc serve: stopping");
                  server.close();
                  loaded.close();
                },
                "avloc-serve-shutdown"));
    spec.commandLine()
        .getOut()
        .printf(
            "avloc serve running (model %s, group %s, instance %s)%s; Ctrl-C to stop%n",
            server.modelId(),
            config.group(),
            config.instanceId(),
            server.url() == null ? "" : ", HTTP at " + server.url());
    spec.commandLine().getOut().flush();
    server.awaitStop(Duration.ofDays(36500));
    Throwable f = server.failure();
    if (f != null) {
      throw new IllegalStateException("the model server stopped: " + f.getMessage(), f);
    }
    return 0;
  }
}
