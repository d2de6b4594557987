package io.avloc.viewer;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every partition of one topic by manual assignment (no consumer group, nothing committed,
 * {@code read_committed}), from the earliest offsets, the latest, or a point in time. The topic
 * need not exist yet, and partitions added later are picked up: partitions that appear after the
 * start are read from their beginning, since everything in them is new.
 */
final class TopicReader implements Runnable {

  private static final Logger LOG = LoggerFactory.getLogger(TopicReader.class);
  private static final Duration POLL = Duration.ofMillis(200);
  private static final Duration REFRESH = Duration.ofSeconds(2);
  private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(5);

  /** Where reading starts on the partitions present at start-up. */
  sealed interface StartAt {
    record Earliest() implements StartAt {}

    record Latest() implements StartAt {}

    /** The first record at or after this time (ms since the epoch), else the end. */
    record Since(long epochMs) implements StartAt {}
  }

  private final String topic;
  private final String bootstrap;
  private final Map<String, Object> props;
  private final StartAt startAt;
  private final Consumer<ConsumerRecord<String, byte[]>> handler;
  private final CountDownLatch ready = new CountDownLatch(1);
  private volatile boolean running = true;
  private volatile String status;
  private volatile Throwable failure;
  private volatile KafkaConsumer<String, byte[]> consumer;

  TopicReader(
      String bootstrap,
      String topic,
      String clientId,
      StartAt startAt,
      Map<String, Object> overrides,
      Consumer<ConsumerRecord<String, byte[]>> handler) {
    this.topic = topic;
    this.bootstrap = bootstrap;
    this.startAt = startAt;
    this.handler = handler;
    this.status = "connecting to " + bootstrap;
    Map<String, Object> p = new HashMap<>();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.putAll(overrides);
    this.props = p;
  }

  /** What the reader is doing, for status lines. */
  String status() {
    return status;
  }

  /** Why the reader stopped on its own, or {@code null}. */
  Throwable failure() {
    return failure;
  }

  /** Waits until the partitions present at start-up are positioned (or the topic is absent). */
  boolean awaitReady(Duration timeout) throws InterruptedException {
    return ready.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** Asks the loop to end; returns at once. */
  void stop() {
    running = false;
    KafkaConsumer<String, byte[]> c = consumer;
    if (c != null) {
      c.wakeup();
    }
  }

  @Override
  public void run() {
    try (KafkaConsumer<String, byte[]> c =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer = c;
      if (!running) {
        return;
      }
      loop(c);
    } catch (WakeupException e) {
      if (running) {
        fail(e);
      }
    } catch (RuntimeException | Error e) {
      fail(e);
    } finally {
      running = false;
      ready.countDown();
    }
  }

  private void fail(Throwable e) {
    failure = e;
    status = "failed reading " + topic + ": " + e;
    LOG.error("reading {} failed", topic, e);
  }

  private void loop(KafkaConsumer<String, byte[]> c) {
    Set<TopicPartition> assigned = new HashSet<>();
    boolean startApplied = false;
    long nextRefresh = System.nanoTime();
    while (running) {
      if (System.nanoTime() - nextRefresh >= 0) {
        nextRefresh = System.nanoTime() + REFRESH.toNanos();
        try {
          List<PartitionInfo> infos = c.partitionsFor(topic, METADATA_TIMEOUT);
          Set<TopicPartition> all = new HashSet<>();
          if (infos != null) {
            for (PartitionInfo pi : infos) {
              all.add(new TopicPartition(pi.topic(), pi.partition()));
            }
          }
          Set<TopicPartition> added = new HashSet<>(all);
          added.removeAll(assigned);
          if (!added.isEmpty()) {
            c.assign(all);
            if (startApplied) {
              c.seekToBeginning(added);
            } else {
              seekToStart(c, added);
            }
            for (TopicPartition tp : added) {
              c.position(tp, METADATA_TIMEOUT);
            }
            assigned = all;
          }
          startApplied = true;
          status =
              assigned.isEmpty()
                  ? "waiting for topic " + topic
                  : "reading " + topic + " (" + assigned.size() + " partitions)";
          ready.countDown();
        } catch (TimeoutException e) {
          status = "cannot reach the broker at " + bootstrap + " (retrying)";
        }
      }
      if (assigned.isEmpty()) {
        sleep(POLL);
        continue;
      }
      ConsumerRecords<String, byte[]> records = c.poll(POLL);
      for (ConsumerRecord<String, byte[]> r : records) {
        handler.accept(r);
      }
    }
  }

  private void seekToStart(KafkaConsumer<String, byte[]> c, Set<TopicPartition> partitions) {
    if (startAt instanceof StartAt.Earliest) {
      c.seekToBeginning(partitions);
    } else if (startAt instanceof StartAt.Since since) {
      Map<TopicPartition, Long> query = new HashMap<>();
      partitions.forEach(tp -> query.put(tp, since.epochMs()));
      Map<TopicPartition, OffsetAndTimestamp> found = c.offsetsForTimes(query, METADATA_TIMEOUT);
      Set<TopicPartition> toEnd = new HashSet<>();
      for (TopicPartition tp : partitions) {
        OffsetAndTimestamp o = found.get(tp);
        if (o == null) {
          toEnd.add(tp);
        } else {
          c.seek(tp, o.offset());
        }
      }
      c.seekToEnd(toEnd);
    } else {
      c.seekToEnd(partitions);
    }
  }

  private void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }
}
