package io.avloc.modelserver.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.avloc.core.serde.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Announces model versions to a {@link ModelRegistry} from a compacted topic ({@code avloc.models}
 * by default): the record key is the model name, the value JSON {@code {"version": "7", "path":
 * "/models/fnac/7"}} names a folder holding that version's artifact (a relative path is resolved
 * against the registry's models folder; the folder must be readable by this process). A null value
 * (tombstone) withdraws the model's announcement.
 *
 * <p>The topic is read from the beginning of every partition without a consumer group, so every
 * server sees the latest announcement of each model when it starts and every one after. An
 * announced version competes with the models folder's versions in the same version order: the
 * newest that loads is served.
 */
public final class ModelTopicWatcher implements AutoCloseable {

  public static final String DEFAULT_TOPIC = "avloc.models";

  private static final Logger LOG = LoggerFactory.getLogger(ModelTopicWatcher.class);

  private final ModelRegistry registry;
  private final String topic;
  private final String modelName;
  private final KafkaConsumer<String, byte[]> consumer;
  private final Thread thread;
  private volatile boolean closed;

  private ModelTopicWatcher(
      ModelRegistry registry, Map<String, Object> clientConfig, String topic, String modelName) {
    this.registry = registry;
    this.topic = topic;
    this.modelName = modelName;
    Map<String, Object> config = new HashMap<>(clientConfig);
    config.remove(ConsumerConfig.GROUP_ID_CONFIG);
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "avloc-model-watcher");
    this.consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
    this.thread = new Thread(this::run, "avloc-model-topic");
    thread.setDaemon(true);
  }

  /**
   * Starts watching {@code topic}.
   *
   * @param clientConfig Kafka consumer settings; {@code bootstrap.servers} is required
   * @param modelName only this key's records are applied; {@code null} applies every key
   */
  public static ModelTopicWatcher start(
      ModelRegistry registry, Map<String, Object> clientConfig, String topic, String modelName) {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(topic, "topic");
    if (!clientConfig.containsKey(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG)) {
      throw new IllegalArgumentException(
          "the model topic watcher needs bootstrap.servers in its client config");
    }
    ModelTopicWatcher w = new ModelTopicWatcher(registry, clientConfig, topic, modelName);
    w.thread.start();
    return w;
  }

  private void run() {
    try {
      List<TopicPartition> partitions = awaitPartitions();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      while (!closed) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          apply(r);
        }
      }
    } catch (WakeupException e) {
      // close()
    } catch (RuntimeException e) {
      if (!closed) {
        LOG.error("reading model announcements from {} stopped", topic, e);
      }
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  private List<TopicPartition> awaitPartitions() {
    boolean logged = false;
    while (true) {
      List<TopicPartition> parts =
          consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      if (!parts.isEmpty()) {
        LOG.info("watching {} for model versions", topic);
        return parts;
      }
      if (!logged) {
        LOG.warn(
            "model topic {} does not exist yet; create it compacted (cleanup.policy=compact)",
            topic);
        logged = true;
      }
      for (int i = 0; i < 20 && !closed; i++) {
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new WakeupException();
        }
      }
      if (closed) {
        throw new WakeupException();
      }
    }
  }

  private void apply(ConsumerRecord<String, byte[]> r) {
    String key = r.key();
    if (key == null || (modelName != null && !modelName.equals(key))) {
      return;
    }
    String source = "topic " + topic + " key " + key;
    if (r.value() == null) {
      LOG.info("{} withdrawn (tombstone at offset {})", source, r.offset());
      registry.withdraw(source);
      return;
    }
    String version;
    String path;
    try {
      JsonNode value = Json.MAPPER.readTree(r.value());
      version = text(value, "version");
      path = text(value, "path");
    } catch (IOException | IllegalArgumentException e) {
      LOG.warn(
          "ignoring the model announcement at {}-{} offset {}: {}; expected"
              + " {{\"version\": \"7\", \"path\": \"/models/name/7\"}}, got '{}'",
          topic,
          r.partition(),
          r.offset(),
          e.getMessage(),
          new String(r.value(), StandardCharsets.UTF_8));
      return;
    }
    Path dir = registry.config().modelsDir().resolve(path);
    LOG.info("{} announces version {} at {}", source, version, dir);
    registry.announce(source, version, dir);
  }

  private static String text(JsonNode value, String field) {
    JsonNode n = value.get(field);
    if (n == null || !n.isValueNode() || n.asText().isBlank()) {
      throw new IllegalArgumentException("field '" + field + "' is missing or empty");
    }
    return n.asText();
  }

  @Override
  public void close() {
    closed = true;
    consumer.wakeup();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
