package io.avloc.testkit;

import io.avloc.broker.KafkaBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;

/** Topic helpers for tests that share one broker. */
public final class TestTopics {
  private TestTopics() {}

  /** A topic name no other test uses: {@code prefix-<random>}. */
  public static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /**
   * Reads {@code topic} from the beginning of every partition (read-committed, no consumer group)
   * until {@code expected} records arrived or {@code timeout} passed, then for {@code extra}
   * longer, so that records beyond the expected count (duplicates) show up too.
   */
  public static <K, V> List<ConsumerRecord<K, V>> readAll(
      KafkaBroker broker,
      String topic,
      Deserializer<K> keys,
      Deserializer<V> values,
      int expected,
      Duration timeout,
      Duration extra) {
    List<ConsumerRecord<K, V>> out = new ArrayList<>();
    try (KafkaConsumer<K, V> c =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed"),
            keys,
            values)) {
      List<TopicPartition> parts =
          c.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      pollUntil(c, out, expected, timeout);
      long more = System.nanoTime() + extra.toNanos();
      do {
        c.poll(Duration.ofMillis(100)).forEach(out::add);
      } while (System.nanoTime() < more);
    }
    return out;
  }

  /**
   * A read-committed consumer of {@code topic} in a fresh group, from the earliest offset, for
   * tests that read while another process writes (the caller closes it).
   */
  public static KafkaConsumer<byte[], byte[]> committedReader(KafkaBroker broker, String topic) {
    KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                unique("committed-reader"),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed"),
            new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
            new org.apache.kafka.common.serialization.ByteArrayDeserializer());
    c.subscribe(List.of(topic));
    return c;
  }

  /** Polls into {@code seen} until it holds {@code count} records or {@code timeout} passed. */
  public static <K, V> void pollUntil(
      KafkaConsumer<K, V> c, List<ConsumerRecord<K, V>> seen, int count, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (seen.size() < count && System.nanoTime() < deadline) {
      c.poll(Duration.ofMillis(200)).forEach(seen::add);
    }
  }

  /** Creates the topics with the given partition count and waits for them. */
  public static void create(KafkaBroker broker, int partitions, String... topics) {
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
      List<NewTopic> newTopics =
          Arrays.stream(topics).map(t -> new NewTopic(t, partitions, (short) 1)).toList();
      admin.createTopics(newTopics).all().get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("could not create topics " + Arrays.toString(topics), e);
    }
  }
}
