package io.avloc.streams;

import io.avloc.core.kafka.BrokerWatch;
import io.avloc.core.kafka.KafkaClientSettings;
import io.avloc.core.media.DeadLetters;
import io.avloc.core.media.RecordLimits;
import io.avloc.modelserver.BatchModel;
import io.avloc.modelserver.BatchPreprocessor;
import io.avloc.modelserver.ModelSource;
import io.avloc.modelserver.PairLocalizer;
import io.avloc.modelserver.engine.EngineKind;
import io.avloc.modelserver.engine.EngineOptions;
import io.avloc.modelserver.registry.ModelRegistry;
import io.avloc.streams.inference.EmbeddedLocalizer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The streams application: checks the topics, loads the model (embedded mode; distributed mode
 * writes pairs for {@code avloc serve} and needs none), builds the topology and runs it with {@code
 * exactly_once_v2}. {@link #start} returns once the application is RUNNING.
 */
public final class AvlocStreamsApp implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(AvlocStreamsApp.class);

  private final StreamsSettings settings;
  private final BatchModel model; // null in distributed mode
  private final PairLocalizer localizer; // null in distributed mode
  private final KafkaStreams streams;
  private final KafkaStreamsMetrics streamsMetrics;
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final CountDownLatch stopped = new CountDownLatch(1);
  // Set once the application is RUNNING: asks the broker for /ready (null before).
  private volatile BrokerWatch brokerWatch;

  private AvlocStreamsApp(
      StreamsSettings settings,
      BatchModel model,
      PairLocalizer localizer,
      KafkaStreams streams,
      KafkaStreamsMetrics streamsMetrics) {
    this.settings = settings;
    this.model = model;
    this.localizer = localizer;
    this.streams = streams;
    this.streamsMetrics = streamsMetrics;
  }

  /** Kafka Streams properties for {@code settings}; avloc's defaults, then pass-through keys. */
  public static Properties streamsProperties(StreamsSettings s) {
    RecordLimits limits = s.recordLimits();
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, s.get(StreamsSettings.APPLICATION_ID_CONFIG));
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, s.get(StreamsSettings.BOOTSTRAP_CONFIG));
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir(s, null).toString());
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.put(StreamsConfig.DEFAULT_TIMESTAMP_EXTRACTOR_CLASS_CONFIG, MediaTimestampExtractor.class);
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
    // Kafka 5 turns this on by default; opting in now keeps behaviour stable across upgrades.
    p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    // A frame record is up to avloc.limits.record.bytes; let fetches carry a few of them.
    p.put(
        StreamsConfig.consumerPrefix(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG),
        Math.max(16 << 20, limits.pairRecordBytes()));
    // The largest record it writes: a pair (distributed mode), a pending frame's changelog record,
    // or the dead letter of the largest accepted frame. Below that a valid record would stop it.
    p.put(
        StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG),
        limits.pairRecordBytes());
    // The changelogs hold whole frames (pending frames) and audio chunks.
    p.put(
        StreamsConfig.topicPrefix(TopicConfig.MAX_MESSAGE_BYTES_CONFIG),
        Integer.toString(limits.mediaRecordBytes()));
    p.putAll(s.kafkaOverrides());
    return p;
  }

  /**
   * The local state folder: {@code avloc.state.dir} when set; else one per user and per Kafka
   * cluster under the temporary directory, {@code <tmp>/avloc-streams-<user>/<cluster id>} (Kafka
   * Streams adds the application id below it). Per user, so that two users of one machine do not
   * share (or fail on the permissions of) one folder; per cluster, so that a run against a new
   * broker never meets the stores of an earlier broker's run, whose changelog offsets do not exist
   * there (Kafka Streams would find them corrupt, wipe them and restore, which costs start-up
   * time).
   *
   * @param clusterId the broker cluster's id, or null when not known (yet)
   */
  public static Path stateDir(StreamsSettings s, String clusterId) {
    String explicit = s.get(StreamsSettings.STATE_DIR_CONFIG).strip();
    if (!explicit.isEmpty()) {
      return Path.of(explicit);
    }
    Path base =
        Path.of(
            System.getProperty("java.io.tmpdir"),
            "avloc-streams-" + safeName(System.getProperty("user.name", "user")));
    return clusterId == null || clusterId.isBlank() ? base : base.resolve(safeName(clusterId));
  }

  private static String safeName(String s) {
    String n = s.replaceAll("[^A-Za-z0-9._-]", "_");
    return n.isEmpty() || n.startsWith(".") ? "_" + n : n;
  }

  /**
   * The configuration of the start-up admin client: what Kafka Streams gives its own admin client
   * (so {@code security.protocol}, {@code sasl.*}, {@code ssl.*} and {@code admin.*} keys apply).
   */
  static Map<String, Object> adminConfig(StreamsSettings s) {
    return new StreamsConfig(streamsProperties(s)).getAdminConfigs("avloc-streams-setup");
  }

  /** The largest pair record: the largest frame accepted plus a generous audio window. */
  static int pairBytes(StreamsSettings s) {
    return s.recordLimits().pairRecordBytes();
  }

  /**
   * The engine order of {@code avloc.model.engines}, e.g. {@code tensorrt,onnxruntime}.
   *
   * @throws IllegalArgumentException naming the setting and the known engines when it is wrong
   */
  public static List<EngineKind> engineOrder(StreamsSettings s) {
    try {
      return EngineKind.parseOrder(s.get(StreamsSettings.MODEL_ENGINES_CONFIG));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("setting avloc.model.engines: " + e.getMessage(), e);
    }
  }

  /**
   * The model embedded mode runs: with {@code avloc.models} set, the serving version of a {@link
   * ModelRegistry} on that folder (hot swap; its meters go to {@code registry}), else the artifact
   * at {@code modelDir}; either on the first engine of {@code avloc.model.engines} that loads it.
   * The caller closes it.
   */
  public static BatchModel loadModel(
      StreamsSettings settings, Path modelDir, MeterRegistry registry) {
    return loadModel(settings, modelSource(settings, modelDir), registry);
  }

  /**
   * The folder of {@code avloc.models} when set, else the artifact at {@code modelDir} (verified
   * here, once); the rule and its messages are {@link ModelSource}'s, shared with {@code serve}.
   */
  private static ModelSource modelSource(StreamsSettings settings, Path modelDir) {
    String models = settings.get(StreamsSettings.MODELS_CONFIG).strip();
    return ModelSource.resolve(
        modelDir,
        "--model",
        models.isEmpty() ? null : Path.of(models),
        "setting " + StreamsSettings.MODELS_CONFIG);
  }

  /** As above, with the source already resolved. */
  private static BatchModel loadModel(
      StreamsSettings settings, ModelSource source, MeterRegistry registry) {
    return source.open(
        engineOrder(settings),
        EngineOptions.DEFAULTS
            .withMaxBatch(settings.getInt(StreamsSettings.BATCH_MAX_CONFIG))
            .withCpuThreads(engineThreads(settings)),
        registry);
  }

  /**
   * Starts the application and waits until it is RUNNING.
   *
   * @param modelDir the model artifact, verified before anything starts; unused (may be null) in
   *     distributed mode or when {@code avloc.models} names a folder of versions
   */
  public static AvlocStreamsApp start(
      StreamsSettings settings, Path modelDir, MeterRegistry registry, Duration startTimeout) {
    boolean embedded = InferenceMode.of(settings) == InferenceMode.EMBEDDED;
    ModelSource source = null; // verified once, here, and loaded on an engine below
    if (embedded) {
      // Check the model settings before touching Kafka; the artifact is verified here, once.
      engineOrder(settings);
      batchThreads(settings);
      source = modelSource(settings, modelDir);
    }
    // The admin gets the same client properties (security included) as the streams' own clients.
    Map<String, Object> adminConfig = adminConfig(settings);
    KafkaClientSettings.requireBroker(adminConfig, KafkaClientSettings.DEFAULT_CONNECT_TIMEOUT);
    BrokerSetup broker = prepareBroker(settings, adminConfig, embedded);
    int deadLetterBytes = broker.deadLetterBytes();
    String clusterId = broker.clusterId();
    BatchModel model = embedded ? loadModel(settings, source, registry) : null;
    PairLocalizer localizer;
    KafkaStreams streams;
    try {
      localizer =
          embedded
              ? new EmbeddedLocalizer(
                  model,
                  settings.getInt(StreamsSettings.BATCH_MAX_CONFIG),
                  registry,
                  () -> System.currentTimeMillis() * 1000,
                  batchThreads(settings))
              : null;
      Properties props = streamsProperties(settings);
      if (!settings.kafkaOverrides().containsKey(StreamsConfig.STATE_DIR_CONFIG)) {
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir(settings, clusterId).toString());
      }
      streams =
          new KafkaStreams(
              AvlocTopology.build(settings, localizer, registry, deadLetterBytes), props);
    } catch (RuntimeException e) {
      if (model != null) {
        model.close();
      }
      throw e;
    }
    KafkaStreamsMetrics metrics = new KafkaStreamsMetrics(streams);
    metrics.bindTo(registry);
    AvlocStreamsApp app = new AvlocStreamsApp(settings, model, localizer, streams, metrics);
    awaitRunning(app, startTimeout);
    app.brokerWatch = BrokerWatch.start(adminConfig, "avloc-streams-ready");
    LOG.info(
        "avloc streams running: {} + {} → {} ({}, {} mode)",
        settings.get(StreamsSettings.TOPIC_FRAMES_CONFIG),
        settings.get(StreamsSettings.TOPIC_AUDIO_CONFIG),
        settings.get(
            embedded ? StreamsSettings.TOPIC_HEATMAPS_CONFIG : StreamsSettings.TOPIC_PAIRS_CONFIG),
        embedded ? "model " + localizer.modelId() : "distributed inference",
        settings.get(StreamsSettings.SYNC_MODE_CONFIG));
    return app;
  }

  /** What the start-up admin learned: the dead-letter topic's record limit and the cluster id. */
  private record BrokerSetup(int deadLetterBytes, String clusterId) {}

  /**
   * Ensures the topics (creating them when allowed), reads the dead-letter topic's record limit
   * (warning when larger dead letters will be truncated) and the cluster id.
   */
  private static BrokerSetup prepareBroker(
      StreamsSettings settings, Map<String, Object> adminConfig, boolean embedded) {
    RecordLimits limits = settings.recordLimits();
    try (Admin admin = Admin.create(adminConfig)) {
      List<String> outputs =
          new ArrayList<>(
              List.of(
                  settings.get(StreamsSettings.TOPIC_HEATMAPS_CONFIG),
                  settings.get(StreamsSettings.TOPIC_DEADLETTER_CONFIG)));
      if (!embedded) {
        createPairsTopic(admin, settings);
        outputs.add(settings.get(StreamsSettings.TOPIC_PAIRS_CONFIG));
      }
      TopicSetup.ensure(
          admin,
          settings.get(StreamsSettings.TOPIC_FRAMES_CONFIG),
          settings.get(StreamsSettings.TOPIC_AUDIO_CONFIG),
          outputs,
          settings.getBoolean(StreamsSettings.TOPIC_CREATE_CONFIG),
          settings.getInt(StreamsSettings.TOPIC_PARTITIONS_CONFIG),
          (short) 1,
          topicRecordBytes(settings));
      int deadLetterBytes =
          DeadLetters.recordLimit(
              admin,
              settings.get(StreamsSettings.TOPIC_DEADLETTER_CONFIG),
              limits.pairRecordBytes());
      if (deadLetterBytes < limits.mediaRecordBytes()) {
        LOG.warn(
            "topic {} accepts records of at most {} bytes, less than the {} bytes of the largest"
                + " accepted record: larger dead letters are truncated ({} header). Raise its"
                + " max.message.bytes to keep them whole",
            settings.get(StreamsSettings.TOPIC_DEADLETTER_CONFIG),
            deadLetterBytes,
            limits.mediaRecordBytes(),
            DeadLetters.PAYLOAD_TRUNCATED);
      }
      String clusterId = admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS);
      return new BrokerSetup(deadLetterBytes, clusterId);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException(
          "cannot read the cluster id of "
              + settings.get(StreamsSettings.BOOTSTRAP_CONFIG)
              + ": "
              + e,
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while checking topics", e);
    }
  }

  /**
   * Starts {@code app}'s Kafka Streams and waits for RUNNING; a stream thread's failure shuts the
   * client down and is kept for the message. Closes the app and throws when it does not get there
   * within {@code startTimeout}.
   */
  private static void awaitRunning(AvlocStreamsApp app, Duration startTimeout) {
    KafkaStreams streams = app.streams;
    CountDownLatch running = new CountDownLatch(1);
    streams.setUncaughtExceptionHandler(
        e -> {
          LOG.error("stream thread failed: {}", e.toString(), e);
          app.failure.compareAndSet(null, e);
          return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler
              .StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
    streams.setStateListener(
        (next, prev) -> {
          if (next == KafkaStreams.State.RUNNING) {
            running.countDown();
          }
          if (next == KafkaStreams.State.NOT_RUNNING || next == KafkaStreams.State.ERROR) {
            running.countDown();
            app.stopped.countDown();
          }
        });
    streams.start();
    try {
      if (!running.await(startTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
        app.close();
        throw new IllegalStateException(
            "the streams application did not reach RUNNING within "
                + startTimeout.toSeconds()
                + " s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      app.close();
      throw new IllegalStateException("interrupted while starting", e);
    }
    if (streams.state() != KafkaStreams.State.RUNNING) {
      Throwable f = app.failure.get();
      app.close();
      throw new IllegalStateException(
          "the streams application failed to start" + (f == null ? "" : ": " + f.getMessage()), f);
    }
  }

  /**
   * {@code avloc.batch.threads}: threads per embedded batch for preprocessing and post-processing,
   * the stream thread included; 0 = one per core.
   *
   * @throws IllegalArgumentException naming the setting when it is negative
   */
  static int batchThreads(StreamsSettings s) {
    int n = threadCount(s, StreamsSettings.BATCH_THREADS_CONFIG, "0 (one thread per core)");
    return n == 0 ? BatchPreprocessor.defaultParallelism() : n;
  }

  /**
   * {@code avloc.engine.threads}: threads the embedded engine runs a batch on, the batch split over
   * them (default 8, one pair each); 0 = ONNX Runtime's own pool.
   *
   * @throws IllegalArgumentException naming the setting when it is negative
   */
  static int engineThreads(StreamsSettings s) {
    return threadCount(s, StreamsSettings.ENGINE_THREADS_CONFIG, "0 (ONNX Runtime's own pool)");
  }

  /** A thread-count setting: 0 (meaning {@code zero}) or more. */
  private static int threadCount(StreamsSettings s, String key, String zero) {
    int n = s.getInt(key);
    if (n < 0) {
      throw new IllegalArgumentException(
          "setting " + key + " must be " + zero + " or a number of threads, not " + n);
    }
    return n;
  }

  /** {@code max.message.bytes} of the topics the application creates, by topic name. */
  static Map<String, Integer> topicRecordBytes(StreamsSettings s) {
    RecordLimits limits = s.recordLimits();
    return Map.of(
        s.get(StreamsSettings.TOPIC_FRAMES_CONFIG), limits.mediaRecordBytes(),
        s.get(StreamsSettings.TOPIC_AUDIO_CONFIG), limits.mediaRecordBytes(),
        // Dead letters of serve are whole pair records.
        s.get(StreamsSettings.TOPIC_DEADLETTER_CONFIG), limits.pairRecordBytes());
  }

  /**
   * Creates the pairs topic when it is missing and creation is allowed, with a record size limit
   * that fits the largest frame (the broker's default of 1 MiB does not).
   */
  private static void createPairsTopic(Admin admin, StreamsSettings settings) {
    String pairs = settings.get(StreamsSettings.TOPIC_PAIRS_CONFIG);
    if (!settings.getBoolean(StreamsSettings.TOPIC_CREATE_CONFIG)) {
      return;
    }
    try {
      if (admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(pairs)) {
        return;
      }
      NewTopic topic =
          new NewTopic(pairs, settings.getInt(StreamsSettings.TOPIC_PARTITIONS_CONFIG), (short) 1)
              .configs(
                  Map.of(
                      TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(pairBytes(settings))));
      admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new IllegalStateException("cannot create topic " + pairs + ": " + e.getMessage(), e);
      }
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("cannot create topic " + pairs + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating " + pairs, e);
    }
  }

  /** Where pairs are localized. */
  public InferenceMode inferenceMode() {
    return localizer == null ? InferenceMode.DISTRIBUTED : InferenceMode.EMBEDDED;
  }

  public KafkaStreams streams() {
    return streams;
  }

  /** {@code name@version} of the embedded model now serving; null in distributed mode. */
  public String modelId() {
    return localizer == null ? null : localizer.modelId();
  }

  /**
   * {@code /ready}: the application reached RUNNING, is RUNNING or rebalancing now (a rebalance is
   * part of normal work once started), and the broker answered within {@link
   * KafkaClientSettings#BROKER_ANSWER_WITHIN} ({@link BrokerWatch}). Kafka Streams stays RUNNING
   * through a broker outage, so its state alone would say ready without a broker.
   */
  public boolean ready() {
    BrokerWatch watch = brokerWatch;
    KafkaStreams.State state = streams.state();
    return watch != null
        && failure.get() == null
        && (state == KafkaStreams.State.RUNNING || state == KafkaStreams.State.REBALANCING)
        && watch.answering();
  }

  /** The error that stopped the application, if any. */
  public Throwable failure() {
    return failure.get();
  }

  /** Blocks until the application stops (after {@link #close()} or a fatal error). */
  public boolean awaitStop(Duration timeout) throws InterruptedException {
    return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    BrokerWatch watch = brokerWatch;
    if (watch != null) {
      watch.close();
    }
    streams.close(Duration.ofSeconds(30));
    streamsMetrics.close();
    if (localizer != null) {
      localizer.close();
      model.close();
    }
    stopped.countDown();
  }

  public StreamsSettings settings() {
    return settings;
  }
}
