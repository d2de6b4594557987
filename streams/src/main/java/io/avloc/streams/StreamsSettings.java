package io.avloc.streams;

import io.avloc.core.kafka.KafkaClientSettings;
import io.avloc.core.media.AvlocTopics;
import io.avloc.core.media.RecordLimits;
import io.avloc.streams.sync.AvSyncConfig;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Configuration of the streams application as flat {@code key=value} settings: {@code avloc.*} keys
 * are avloc's own (documented in {@link #DEFAULTS}); every other key (e.g. {@code
 * num.stream.threads}, {@code commit.interval.ms}) is passed to Kafka Streams unchanged. Sources,
 * later ones winning: built-in defaults, a properties file, environment variables ({@code
 * AVLOC_SYNC_WINDOW_MS} sets {@code avloc.sync.window.ms}; {@code AVLOC_KAFKA_SASL_JAAS_CONFIG}
 * sets the client property {@code sasl.jaas.config}, see {@link KafkaClientSettings}), command-line
 * flags.
 */
public final class StreamsSettings {

  // The keys of avloc's own settings, Kafka style: code refers to these, never to the text.

  public static final String BOOTSTRAP_CONFIG = "avloc.bootstrap";

  public static final String APPLICATION_ID_CONFIG = "avloc.application.id";

  /**
   * Local state (RocksDB) folder; empty = a folder per user and per Kafka cluster under the
   * temporary directory (see {@code AvlocStreamsApp#stateDir}).
   */
  public static final String STATE_DIR_CONFIG = "avloc.state.dir";

  public static final String TOPIC_FRAMES_CONFIG = "avloc.topic.frames";

  public static final String TOPIC_AUDIO_CONFIG = "avloc.topic.audio";

  public static final String TOPIC_HEATMAPS_CONFIG = "avloc.topic.heatmaps";

  public static final String TOPIC_DEADLETTER_CONFIG = "avloc.topic.deadletter";

  public static final String TOPIC_PAIRS_CONFIG = "avloc.topic.pairs";

  public static final String TOPIC_PARTITIONS_CONFIG = "avloc.topic.partitions";

  public static final String TOPIC_CREATE_CONFIG = "avloc.topic.create";

  public static final String MODEL_CONFIG = "avloc.model";

  public static final String MODELS_CONFIG = "avloc.models";

  public static final String MODEL_ENGINES_CONFIG = "avloc.model.engines";

  public static final String INFERENCE_MODE_CONFIG = "avloc.inference.mode";

  public static final String SYNC_WINDOW_MS_CONFIG = "avloc.sync.window.ms";

  public static final String SYNC_LOOKAHEAD_MS_CONFIG = "avloc.sync.lookahead.ms";

  public static final String SYNC_GRACE_MS_CONFIG = "avloc.sync.grace.ms";

  public static final String SYNC_RATE_HZ_CONFIG = "avloc.sync.rate.hz";

  public static final String SYNC_MODE_CONFIG = "avloc.sync.mode";

  public static final String SYNC_STALE_BUDGET_MS_CONFIG = "avloc.sync.stale.budget.ms";

  public static final String SYNC_CAMERA_IDLE_MS_CONFIG = "avloc.sync.camera.idle.ms";

  /**
   * Real-time mode: run each embedded batch on the engine's own thread while the stream thread
   * keeps ingesting ({@code true}, default), or on the stream thread ({@code false}).
   */
  public static final String SYNC_ASYNC_BATCHES_CONFIG = "avloc.sync.async.batches";

  public static final String BATCH_MAX_CONFIG = "avloc.batch.max";

  public static final String BATCH_DELAY_MS_CONFIG = "avloc.batch.delay.ms";

  /**
   * Threads that preprocess and post-process one embedded batch, the stream thread included; 0 =
   * one per core (model-server's {@code BatchWorkers}).
   */
  public static final String BATCH_THREADS_CONFIG = "avloc.batch.threads";

  /**
   * Threads the embedded engine (ONNX Runtime, CPU) runs one batch on: N = the batch split over up
   * to N single-threaded calls at once (default: the default batch size, so one pair per call); 0 =
   * one call on ONNX Runtime's own intra-op pool ({@link
   * io.avloc.modelserver.engine.EngineOptions#cpuThreads()}).
   */
  public static final String ENGINE_THREADS_CONFIG = "avloc.engine.threads";

  /**
   * The largest media record value (frame or audio chunk) accepted, bytes. Every other record-size
   * limit (validator, producer, topics the application creates) derives from it: {@link
   * io.avloc.core.media.RecordLimits}.
   */
  public static final String RECORD_BYTES_CONFIG = "avloc.limits.record.bytes";

  /**
   * How far ahead of the wall clock, or of its camera's clock, a record's {@code ts-us} may be,
   * milliseconds; records further ahead are dead-lettered as {@code CLOCK_SKEW}.
   */
  public static final String CLOCK_SKEW_MS_CONFIG = "avloc.limits.clock.skew.ms";

  public static final String METRICS_PORT_CONFIG = "avloc.metrics.port";

  public static final String METRICS_HOST_CONFIG = "avloc.metrics.host";

  /** Every avloc setting with its default; defaults run on a laptop against a local broker. */
  public static final Map<String, String> DEFAULTS = defaults();

  private static Map<String, String> defaults() {
    Map<String, String> d = new LinkedHashMap<>();
    d.put(BOOTSTRAP_CONFIG, KafkaClientSettings.DEFAULT_BOOTSTRAP);
    d.put(APPLICATION_ID_CONFIG, "avloc-streams");
    d.put(STATE_DIR_CONFIG, "");
    d.put(TOPIC_FRAMES_CONFIG, AvlocTopics.FRAMES);
    d.put(TOPIC_AUDIO_CONFIG, AvlocTopics.AUDIO);
    d.put(TOPIC_HEATMAPS_CONFIG, AvlocTopics.HEATMAPS);
    d.put(TOPIC_DEADLETTER_CONFIG, AvlocTopics.DEADLETTER);
    d.put(TOPIC_PAIRS_CONFIG, AvlocTopics.PAIRS);
    d.put(TOPIC_PARTITIONS_CONFIG, "4");
    d.put(TOPIC_CREATE_CONFIG, "true");
    d.put(MODEL_CONFIG, "models/default");
    // A folder of model versions, hot-swapped; empty = the one artifact at avloc.model.
    d.put(MODELS_CONFIG, "");
    d.put(MODEL_ENGINES_CONFIG, "onnxruntime");
    d.put(INFERENCE_MODE_CONFIG, "embedded");
    d.put(SYNC_WINDOW_MS_CONFIG, millis(AvSyncConfig.DEFAULT_WINDOW));
    d.put(SYNC_LOOKAHEAD_MS_CONFIG, millis(AvSyncConfig.DEFAULT_LOOKAHEAD));
    d.put(SYNC_GRACE_MS_CONFIG, millis(AvSyncConfig.DEFAULT_GRACE));
    d.put(SYNC_RATE_HZ_CONFIG, "5");
    d.put(SYNC_MODE_CONFIG, "realtime");
    d.put(SYNC_STALE_BUDGET_MS_CONFIG, millis(AvSyncConfig.DEFAULT_STALE_BUDGET));
    d.put(SYNC_CAMERA_IDLE_MS_CONFIG, millis(AvSyncConfig.DEFAULT_CAMERA_IDLE_TIMEOUT));
    d.put(SYNC_ASYNC_BATCHES_CONFIG, Boolean.toString(AvSyncConfig.DEFAULT_ASYNC_BATCHES));
    d.put(BATCH_MAX_CONFIG, Integer.toString(AvSyncConfig.DEFAULT_MAX_BATCH));
    d.put(BATCH_DELAY_MS_CONFIG, millis(AvSyncConfig.DEFAULT_MAX_DELAY));
    d.put(BATCH_THREADS_CONFIG, "0");
    // Each pair of a full batch on its own thread: ONNX Runtime's own pool stalls at every operator
    // when the pipeline's other threads compete for the cores, and more threads than cores hold
    // the engine's share against other work (docs/benchmarks.md, "Real time under CPU contention").
    d.put(ENGINE_THREADS_CONFIG, Integer.toString(AvSyncConfig.DEFAULT_MAX_BATCH));
    d.put(RECORD_BYTES_CONFIG, Integer.toString(RecordLimits.DEFAULT.maxMediaBytes()));
    d.put(CLOCK_SKEW_MS_CONFIG, "10000");
    // Prometheus' conventional exporter port; 0 = any free port, -1 = no endpoint.
    d.put(METRICS_PORT_CONFIG, "9464");
    // Loopback only unless asked: /metrics tells anyone who can reach it about the deployment.
    d.put(METRICS_HOST_CONFIG, "127.0.0.1");
    return Map.copyOf(d);
  }

  private static String millis(Duration d) {
    return Long.toString(d.toMillis());
  }

  private final Map<String, String> values;

  private StreamsSettings(Map<String, String> values) {
    this.values = Map.copyOf(values);
  }

  /** Defaults, then {@code file} (if not null), then the environment, then {@code overrides}. */
  public static StreamsSettings load(
      Path file, Map<String, String> env, Map<String, String> overrides) {
    return loadFiles(file == null ? List.of() : List.of(file), env, overrides);
  }

  /** Defaults, then {@code files} in order, then the environment, then {@code overrides}. */
  public static StreamsSettings loadFiles(
      List<Path> files, Map<String, String> env, Map<String, String> overrides) {
    Map<String, String> v = new TreeMap<>(DEFAULTS);
    for (Path file : files) {
      v.putAll(readFile(file));
    }
    // Kafka client properties (secrets among them) that need not be on the command line.
    v.putAll(KafkaClientSettings.fromEnvironment(env));
    env.forEach(
        (k, val) -> {
          if (k.startsWith("AVLOC_") && !k.startsWith(KafkaClientSettings.ENV_PREFIX)) {
            String key = "avloc." + k.substring(6).toLowerCase(Locale.ROOT).replace('_', '.');
            if (DEFAULTS.containsKey(key)) {
              v.put(key, val);
            }
          }
        });
    v.putAll(overrides);
    for (String k : v.keySet()) {
      if (k.startsWith("avloc.") && !DEFAULTS.containsKey(k)) {
        throw new IllegalArgumentException(
            "unknown setting '" + k + "'; known avloc settings: " + DEFAULTS.keySet());
      }
    }
    return new StreamsSettings(v);
  }

  /** Only the defaults and {@code overrides}. */
  public static StreamsSettings of(Map<String, String> overrides) {
    return load(null, Map.of(), overrides);
  }

  private static Map<String, String> readFile(Path file) {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("config file " + file + " does not exist", e);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot read config file " + file + ": " + e.getMessage(), e);
    }
    Map<String, String> m = new LinkedHashMap<>();
    p.stringPropertyNames().forEach(k -> m.put(k.trim(), p.getProperty(k).trim()));
    return m;
  }

  public String get(String key) {
    String v = values.get(key);
    if (v == null) {
      throw new IllegalArgumentException("no setting '" + key + "'");
    }
    return v;
  }

  public int getInt(String key) {
    String v = get(key);
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("setting " + key + " must be an integer, got '" + v + "'");
    }
  }

  public long getLong(String key) {
    String v = get(key);
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("setting " + key + " must be an integer, got '" + v + "'");
    }
  }

  public double getDouble(String key) {
    String v = get(key);
    try {
      return Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("setting " + key + " must be a number, got '" + v + "'");
    }
  }

  public boolean getBoolean(String key) {
    String v = get(key).toLowerCase(Locale.ROOT);
    if (!v.equals("true") && !v.equals("false")) {
      throw new IllegalArgumentException(
          "setting " + key + " must be true or false, got '" + v + "'");
    }
    return Boolean.parseBoolean(v);
  }

  public Duration getMillis(String key) {
    return Duration.ofMillis(getLong(key));
  }

  /** The record-size limits, all derived from {@link #RECORD_BYTES_CONFIG}. */
  public RecordLimits recordLimits() {
    try {
      return new RecordLimits(getInt(RECORD_BYTES_CONFIG));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "setting " + RECORD_BYTES_CONFIG + ": " + e.getMessage(), e);
    }
  }

  /** Settings that are not avloc's own: passed to Kafka Streams. */
  public Map<String, String> kafkaOverrides() {
    Map<String, String> m = new TreeMap<>();
    values.forEach(
        (k, v) -> {
          if (!k.startsWith("avloc.")) {
            m.put(k, v);
          }
        });
    return m;
  }

  /** All settings, sorted (for logging the effective configuration). */
  public Map<String, String> asMap() {
    return new TreeMap<>(values);
  }
}
