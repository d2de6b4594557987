package io.avloc.testkit;

import io.avloc.broker.KafkaBroker;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
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

  /**
   * Polls into {@code seen} until it holds {@code count} records, or until no new record arrived
   * for {@code stall}: the wait follows the writer's progress, however slow the machine, and ends
   * only when the writer has stopped making any. {@code onStall} is told (e.g. to log a {@link
   * #transactionReport}) each time a quarter of {@code stall} passes without a record.
   *
   * @return whether {@code count} records arrived
   */
  public static <K, V> boolean pollWhileProgressing(
      KafkaConsumer<K, V> c,
      List<ConsumerRecord<K, V>> seen,
      int count,
      Duration stall,
      Runnable onStall) {
    long quarter = stall.toNanos() / 4;
    long lastProgress = System.nanoTime();
    long nextReport = lastProgress + quarter;
    while (seen.size() < count) {
      int before = seen.size();
      c.poll(Duration.ofMillis(200)).forEach(seen::add);
      long now = System.nanoTime();
      if (seen.size() > before) {
        lastProgress = now;
        nextReport = now + quarter;
      } else if (now - lastProgress > stall.toNanos()) {
        return false;
      } else if (now > nextReport) {
        onStall.run();
        nextReport = now + quarter;
      }
    }
    return true;
  }

  /** Polls into {@code seen} until it holds {@code count} records or {@code timeout} passed. */
  public static <K, V> void pollUntil(
      KafkaConsumer<K, V> c, List<ConsumerRecord<K, V>> seen, int count, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (seen.size() < count && System.nanoTime() < deadline) {
      c.poll(Duration.ofMillis(200)).forEach(seen::add);
    }
  }

  /**
   * What a read-committed reader of {@code topics} waits on, for a failure message: per partition
   * the log start (records before it are deleted: a consumer without a committed offset starts
   * there, one whose committed offset is older jumps there), the log end and the last stable offset
   * (LSO), the producers with an open transaction and where it starts; every transaction the
   * coordinators know (id, producer, state, timeout, age, partitions); and the committed offsets of
   * {@code groups} (require-stable, so a group held by a pending transactional commit says so).
   */
  public static String transactionReport(
      KafkaBroker broker, List<String> topics, List<String> groups) {
    StringBuilder out = new StringBuilder("transaction report at ").append(Instant.now());
    try (Admin admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                10_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                15_000))) {
      List<TopicPartition> parts = new ArrayList<>();
      for (TopicDescription d :
          admin.describeTopics(topics).allTopicNames().get(15, TimeUnit.SECONDS).values()) {
        d.partitions().forEach(p -> parts.add(new TopicPartition(d.name(), p.partition())));
      }
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      parts.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
      var end = admin.listOffsets(latest).all().get(15, TimeUnit.SECONDS);
      Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
      parts.forEach(tp -> earliest.put(tp, OffsetSpec.earliest()));
      var start = admin.listOffsets(earliest).all().get(15, TimeUnit.SECONDS);
      var stable =
          admin
              .listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
              .all()
              .get(15, TimeUnit.SECONDS);
      var producers = admin.describeProducers(parts).all().get(15, TimeUnit.SECONDS);
      for (TopicPartition tp : parts) {
        out.append("\n  ")
            .append(tp)
            .append(": start=")
            .append(start.get(tp).offset())
            .append(" end=")
            .append(end.get(tp).offset())
            .append(" lso=")
            .append(stable.get(tp).offset());
        for (ProducerState ps : producers.get(tp).activeProducers()) {
          if (ps.currentTransactionStartOffset().isPresent()) {
            out.append(" open-txn[pid=")
                .append(ps.producerId())
                .append(" epoch=")
                .append(ps.producerEpoch())
                .append(" from=")
                .append(ps.currentTransactionStartOffset().getAsLong())
                .append(" last-write-age-ms=")
                .append(System.currentTimeMillis() - ps.lastTimestamp())
                .append(']');
          }
        }
      }
      List<String> ids =
          admin.listTransactions().all().get(15, TimeUnit.SECONDS).stream()
              .map(TransactionListing::transactionalId)
              .toList();
      var described = admin.describeTransactions(ids).all().get(15, TimeUnit.SECONDS);
      for (String id : ids) {
        TransactionDescription t = described.get(id);
        out.append("\n  txn ")
            .append(id)
            .append(": pid=")
            .append(t.producerId())
            .append(" epoch=")
            .append(t.producerEpoch())
            .append(' ')
            .append(t.state())
            .append(" timeout-ms=")
            .append(t.transactionTimeoutMs());
        t.transactionStartTimeMs()
            .ifPresent(s -> out.append(" age-ms=").append(System.currentTimeMillis() - s));
        out.append(" partitions=").append(t.topicPartitions());
      }
      for (String g : groups) {
        out.append("\n  group ").append(g).append(": ");
        try {
          out.append(
              admin
                  .listConsumerGroupOffsets(
                      g, new ListConsumerGroupOffsetsOptions().requireStable(true))
                  .partitionsToOffsetAndMetadata()
                  .get(15, TimeUnit.SECONDS));
        } catch (ExecutionException e) {
          out.append(e.getCause());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      out.append("\n  interrupted");
    } catch (ExecutionException | TimeoutException e) {
      out.append("\n  admin request failed: ").append(e);
    }
    return out.toString();
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
