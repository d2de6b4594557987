package io.avloc.streams;

import io.avloc.core.kafka.KafkaClientSettings;
import io.avloc.core.media.AvlocTopics;
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

  /** Every avloc setting with its default; defaults run on a laptop against a local broker. */
  public static final Map<String, String> DEFAULTS = defaults();

  private static Map<String, String> defaults() {
    Map<String, String> d = new LinkedHashMap<>();
    d.put("avloc.bootstrap", KafkaClientSettings.DEFAULT_BOOTSTRAP);
    d.put("avloc.application.id", "avloc-streams");
    d.put(
        "avloc.state.dir",
        Path.of(System.getProperty("java.io.tmpdir"), "avloc-streams").toString());
    d.put("avloc.topic.frames", AvlocTopics.FRAMES);
    d.put("avloc.topic.audio", AvlocTopics.AUDIO);
    d.put("avloc.topic.heatmaps", AvlocTopics.HEATMAPS);
    d.put("avloc.topic.deadletter", AvlocTopics.DEADLETTER);
    d.put("avloc.topic.pairs", AvlocTopics.PAIRS);
    d.put("avloc.topic.partitions", "4");
    d.put("avloc.topic.create", "true");
    d.put("avloc.model", "models/default");
    // A folder of model versions, hot-swapped; empty = the one artifact at avloc.model.
    d.put("avloc.models", "");
    d.put("avloc.model.engines", "onnxruntime");
    d.put("avloc.inference.mode", "embedded");
    d.put("avloc.sync.window.ms", "3000");
    d.put("avloc.sync.lookahead.ms", "500");
    d.put("avloc.sync.grace.ms", "1000");
    d.put("avloc.sync.rate.hz", "5");
    d.put("avloc.sync.mode", "realtime");
    d.put("avloc.sync.stale.budget.ms", "150");
    d.put("avloc.sync.camera.idle.ms", "60000");
    d.put("avloc.batch.max", "8");
    d.put("avloc.batch.delay.ms", "25");
    d.put("avloc.limits.frame.bytes", Integer.toString(8 << 20));
    d.put("avloc.limits.audio.bytes", Integer.toString(1 << 20));
    // Prometheus' conventional exporter port; 0 = any free port, -1 = no endpoint.
    d.put("avloc.metrics.port", "9464");
    // Loopback only unless asked: /metrics tells anyone who can reach it about the deployment.
    d.put("avloc.metrics.host", "127.0.0.1");
    return Map.copyOf(d);
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
