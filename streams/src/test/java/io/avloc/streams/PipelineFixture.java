package io.avloc.streams;

import io.avloc.broker.KafkaBroker;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The set-up the pipeline integration tests share: settings for one test's own topics ({@code
 * prefix.frames}, {@code .audio}, {@code .heatmaps}, {@code .deadletter}, {@code .pairs}),
 * application id and state folder on the test broker, and a producer of raw media records.
 */
final class PipelineFixture {

  private PipelineFixture() {}

  /**
   * The settings every pipeline IT starts from, as a mutable map for the test's own additions.
   *
   * @param prefix the test's unique prefix ({@code TestTopics.unique})
   */
  static Map<String, String> settings(KafkaBroker broker, String prefix, Path stateDir) {
    Map<String, String> s = new HashMap<>();
    s.put(StreamsSettings.BOOTSTRAP_CONFIG, broker.bootstrapServers());
    s.put(StreamsSettings.APPLICATION_ID_CONFIG, prefix + "-app");
    s.put(StreamsSettings.STATE_DIR_CONFIG, stateDir.toString());
    s.put(StreamsSettings.TOPIC_FRAMES_CONFIG, prefix + ".frames");
    s.put(StreamsSettings.TOPIC_AUDIO_CONFIG, prefix + ".audio");
    s.put(StreamsSettings.TOPIC_HEATMAPS_CONFIG, prefix + ".heatmaps");
    s.put(StreamsSettings.TOPIC_DEADLETTER_CONFIG, prefix + ".deadletter");
    s.put(StreamsSettings.TOPIC_PAIRS_CONFIG, prefix + ".pairs");
    return s;
  }

  /**
   * Settings for records produced as fast as possible (so wall-clock staleness does not apply), on
   * 2-partition topics the application creates.
   */
  static Map<String, String> catchUp(KafkaBroker broker, String prefix, Path stateDir) {
    Map<String, String> s = settings(broker, prefix, stateDir);
    s.put(StreamsSettings.TOPIC_PARTITIONS_CONFIG, "2");
    s.put(StreamsSettings.SYNC_MODE_CONFIG, "catch-up");
    return s;
  }

  /** A byte-array producer to the test broker, with requests large enough for poison pills. */
  static KafkaProducer<byte[], byte[]> producer(KafkaBroker broker) {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            broker.bootstrapServers(),
            ProducerConfig.LINGER_MS_CONFIG,
            5,
            ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
            16 << 20),
        new ByteArraySerializer(),
        new ByteArraySerializer());
  }
}
