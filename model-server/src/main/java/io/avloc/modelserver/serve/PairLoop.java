package io.avloc.modelserver.serve;

import io.avloc.core.event.HeatmapEvent;
import io.avloc.core.kafka.KafkaClientSettings;
import io.avloc.core.media.AvlocHeaders;
import io.avloc.core.media.DeadLetters;
import io.avloc.core.media.RecordLimits;
import io.avloc.core.pair.AvPair;
import io.avloc.core.pair.InvalidPairException;
import io.avloc.core.pair.PairCodec;
import io.avloc.core.pair.PairHeaders;
import io.avloc.core.serde.HeatmapEventSerde;
import io.avloc.modelserver.batch.DynamicBatcher;
import io.avloc.modelserver.ops.BrokerConnection;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consume-localize-produce loop of {@code avloc serve}, exactly once.
 *
 * <p>A {@link KafkaConsumer} in the server's group (read-committed, no auto-commit) polls pair
 * records from any of its partitions; each valid pair goes to the shared {@link DynamicBatcher},
 * which batches across partitions (and with HTTP requests); once every pair of the poll has its
 * outcome, one transaction of the {@link KafkaProducer} carries the heatmap events, the dead
 * letters and the consumed offsets ({@code sendOffsetsToTransaction} with the consumer's group
 * metadata, so an instance that lost its partitions in a rebalance is fenced and cannot commit).
 * Readers with {@code isolation.level=read_committed} see each pair's heatmap exactly once.
 *
 * <p>On failure (inference, broker, a fenced offset commit) the transaction is aborted and the
 * consumer rewinds to the poll's first offsets, then retries after a growing pause; nothing is lost
 * or duplicated. Failures that leave the producer unusable (another instance with the same
 * transactional id, authorization) stop the loop with {@link #failure()} set. Pair records that
 * break the contract are dead-lettered, never fatal.
 */
final class PairLoop implements Runnable {

  private static final Logger LOG = LoggerFactory.getLogger(PairLoop.class);

  /** The dead-letter stage of the model server. */
  static final String STAGE = "serve";

  private static final Duration POLL = Duration.ofMillis(100);
  private static final long MAX_BACKOFF_MS = 5_000;

  private final ServeConfig config;
  private final DynamicBatcher<AvPair, Outcome> batcher;
  private final ServeMetrics metrics;
  private final LongSupplier wallClockUs;
  private final int deadLetterBytes;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final KafkaProducer<byte[], byte[]> producer;
  private final KafkaClientMetrics consumerMetrics;
  private final KafkaClientMetrics producerMetrics;
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final CountDownLatch stopRequest = new CountDownLatch(1);
  private volatile boolean stopping;
  private volatile boolean joined;
  private volatile Set<TopicPartition> assignment = Set.of();

  /**
   * Creates the clients and initializes transactions (fencing an older producer of the same id).
   *
   * @param deadLetterBytes the largest record the dead-letter topic accepts; larger dead letters
   *     are truncated to fit, so that one can never fail its transaction over and over
   */
  PairLoop(
      ServeConfig config,
      DynamicBatcher<AvPair, Outcome> batcher,
      ServeMetrics metrics,
      MeterRegistry registry,
      LongSupplier wallClockUs,
      int deadLetterBytes) {
    this.config = config;
    this.deadLetterBytes = deadLetterBytes;
    this.batcher = batcher;
    this.metrics = metrics;
    this.wallClockUs = wallClockUs;
    this.consumer =
        new KafkaConsumer<>(
            consumerProperties(config), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    KafkaProducer<byte[], byte[]> p;
    try {
      p =
          new KafkaProducer<>(
              producerProperties(config), new ByteArraySerializer(), new ByteArraySerializer());
      p.initTransactions();
    } catch (RuntimeException e) {
      consumer.close(CloseOptions.timeout(Duration.ZERO));
      throw e;
    }
    this.producer = p;
    this.consumerMetrics = new KafkaClientMetrics(consumer);
    this.producerMetrics = new KafkaClientMetrics(producer);
    consumerMetrics.bindTo(registry);
    producerMetrics.bindTo(registry);
  }

  static Properties consumerProperties(ServeConfig c) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, c.bootstrap());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, c.group());
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, c.transactionalId() + "-consumer");
    // Only committed pairs; offsets are committed with the output, never on their own.
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, c.maxPollRecords());
    // A pair carries a whole frame; let a fetch hold a few of the largest.
    p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 << 20);
    p.putAll(c.kafkaFor(KafkaClientSettings.Client.CONSUMER));
    return p;
  }

  static Properties producerProperties(ServeConfig c) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, c.bootstrap());
    p.put(ProducerConfig.CLIENT_ID_CONFIG, c.transactionalId() + "-producer");
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, c.transactionalId());
    // A crashed instance's open transaction blocks read-committed readers until it times out.
    p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 10_000);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    // Dead letters carry the whole pair record (truncated only beyond the dead-letter topic's
    // limit).
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, RecordLimits.DEFAULT.pairRecordBytes());
    p.putAll(c.kafkaFor(KafkaClientSettings.Client.PRODUCER));
    return p;
  }

  @Override
  public void run() {
    long backoffMs = 0;
    try {
      consumer.subscribe(List.of(config.pairsTopic()), new Rebalance());
      while (!stopping) {
        ConsumerRecords<byte[], byte[]> records;
        try {
          records = consumer.poll(POLL);
        } catch (WakeupException e) {
          continue; // close() wakes the poll; the loop condition decides
        }
        if (records.isEmpty()) {
          continue;
        }
        if (process(records)) {
          backoffMs = 0;
        } else {
          backoffMs = Math.min(MAX_BACKOFF_MS, Math.max(100, backoffMs * 2));
          pause(backoffMs);
        }
      }
    } catch (Throwable t) {
      failure.compareAndSet(null, t);
      LOG.error("pairs loop stopped: {}", t.toString(), t);
    } finally {
      closeClients();
      stopped.countDown();
    }
  }

  /** One record of a poll and what became of it. */
  private static final class Item {
    final ConsumerRecord<byte[], byte[]> record;
    CompletableFuture<Outcome> outcome;
    String deadReason;
    String deadMessage;

    Item(ConsumerRecord<byte[], byte[]> record) {
      this.record = record;
    }
  }

  /**
   * Localizes one poll's records and commits the outputs with the offsets in one transaction.
   *
   * @return false when the transaction was aborted and the consumer rewound
   */
  private boolean process(ConsumerRecords<byte[], byte[]> records) {
    Map<TopicPartition, Long> first = new LinkedHashMap<>();
    Map<TopicPartition, OffsetAndMetadata> next = new LinkedHashMap<>();
    List<Item> items = submit(records, first, next);
    Throwable inferenceFailure = awaitOutcomes(items);
    if (inferenceFailure != null) {
      LOG.warn(
          "inference failed for a batch of {} pair records, retrying them: {}",
          items.size(),
          inferenceFailure.toString());
      metrics.aborted();
      rewind(first);
      return false;
    }
    int heatmaps = commit(items, next);
    if (heatmaps < 0) {
      rewind(first);
      return false;
    }
    recordCommitted(items, heatmaps);
    return true;
  }

  /**
   * Decodes each record and hands the valid pairs to the batcher; notes each partition's first
   * offset (to rewind to) and next offset (to commit). An undecodable pair becomes a dead letter.
   */
  private List<Item> submit(
      ConsumerRecords<byte[], byte[]> records,
      Map<TopicPartition, Long> first,
      Map<TopicPartition, OffsetAndMetadata> next) {
    List<Item> items = new ArrayList<>(records.count());
    long now = wallClockUs.getAsLong();
    for (ConsumerRecord<byte[], byte[]> r : records) {
      TopicPartition tp = new TopicPartition(r.topic(), r.partition());
      first.putIfAbsent(tp, r.offset());
      next.put(tp, new OffsetAndMetadata(r.offset() + 1));
      Item item = new Item(r);
      try {
        item.outcome = batcher.submit(PairCodec.decode(r.key(), r.headers(), r.value(), now));
      } catch (InvalidPairException e) {
        item.deadReason = e.reason().name();
        item.deadMessage = e.getMessage();
      }
      items.add(item);
    }
    return items;
  }

  /**
   * Waits for every submitted pair; a pair the model refused becomes a dead letter.
   *
   * @return the first inference failure (the whole poll is retried), or null
   */
  private static Throwable awaitOutcomes(List<Item> items) {
    Throwable inferenceFailure = null;
    for (Item item : items) {
      if (item.outcome == null) {
        continue;
      }
      try {
        Outcome o = item.outcome.join();
        if (o.isRejected()) {
          item.deadReason = o.rejection().reason();
          item.deadMessage = o.rejection().getMessage();
        }
      } catch (CompletionException e) {
        if (inferenceFailure == null) {
          inferenceFailure = e.getCause();
        }
      }
    }
    return inferenceFailure;
  }

  /**
   * Heatmaps, dead letters and the consumed offsets in one transaction.
   *
   * @return the heatmaps committed, or -1 when the transaction was aborted (the caller rewinds)
   * @throws IllegalStateException when the producer cannot go on (fenced, not authorized)
   */
  private int commit(List<Item> items, Map<TopicPartition, OffsetAndMetadata> next) {
    int heatmaps = 0;
    try {
      producer.beginTransaction();
      for (Item item : items) {
        if (item.deadReason != null) {
          producer.send(deadLetter(item));
        } else {
          producer.send(heatmap(item.record, item.outcome.join().event()));
          heatmaps++;
        }
      }
      ConsumerGroupMetadata group = consumer.groupMetadata();
      if (group.generationId() < 0 || group.memberId().isEmpty()) {
        // Not a member now (e.g. dropped after a long stall): such a commit would not be fenced.
        throw new CommitFailedException("the consumer is not a member of group " + config.group());
      }
      producer.sendOffsetsToTransaction(next, group);
      producer.commitTransaction();
      return heatmaps;
    } catch (ProducerFencedException
        | FencedInstanceIdException
        | OutOfOrderSequenceException
        | AuthorizationException
        | UnsupportedVersionException e) {
      // The producer cannot go on; another instance may own this transactional id.
      throw new IllegalStateException(
          "the producer "
              + config.transactionalId()
              + " cannot continue ("
              + e.getMessage()
              + "); is another instance running with instance id '"
              + config.instanceId()
              + "'?",
          e);
    } catch (KafkaException e) {
      LOG.warn(
          "transaction of {} pair records failed, aborting and retrying them: {}",
          items.size(),
          e.toString());
      producer.abortTransaction();
      metrics.aborted();
      return -1;
    }
  }

  /** Meters of a committed poll: counts, dead letters by reason, latency at commit. */
  private void recordCommitted(List<Item> items, int heatmaps) {
    metrics.committed(items.size(), heatmaps);
    long committedAt = wallClockUs.getAsLong();
    for (Item item : items) {
      if (item.deadReason != null) {
        metrics.deadLettered(item.deadReason);
        LOG.debug("dead-lettered {}: {}", item.deadReason, item.deadMessage);
      } else {
        HeatmapEvent e = item.outcome.join().event();
        metrics.latency((committedAt - e.frameTsUs()) / 1e3);
        metrics.queue(e.latencyMs().queue());
      }
    }
  }

  /** The heatmap record: the pair record's key, timestamp and frame headers, plus {@code model}. */
  private ProducerRecord<byte[], byte[]> heatmap(ConsumerRecord<byte[], byte[]> r, HeatmapEvent e) {
    Headers h = new RecordHeaders();
    for (Header header : r.headers()) {
      if (!PairHeaders.PAIR_ONLY.contains(header.key())
          && !header.key().equals(AvlocHeaders.MODEL)) {
        h.add(header);
      }
    }
    h.add(AvlocHeaders.MODEL, e.model().getBytes(StandardCharsets.UTF_8));
    return new ProducerRecord<>(
        config.heatmapsTopic(), null, r.timestamp(), r.key(), HeatmapEventSerde.toJson(e), h);
  }

  /**
   * The rejected record unchanged, with the error headers the streams application also writes;
   * truncated when it would not fit in the dead-letter topic ({@link DeadLetters}).
   */
  private ProducerRecord<byte[], byte[]> deadLetter(Item item) {
    ConsumerRecord<byte[], byte[]> r = item.record;
    DeadLetters.Letter letter =
        DeadLetters.of(
            r.key(),
            r.value(),
            r.headers(),
            item.deadMessage,
            item.deadReason,
            STAGE,
            r.topic(),
            deadLetterBytes);
    return new ProducerRecord<>(
        config.deadletterTopic(),
        null,
        r.timestamp(),
        letter.key(),
        letter.value(),
        letter.headers());
  }

  /** Seeks back to the first offsets of a failed poll, for the partitions still assigned. */
  private void rewind(Map<TopicPartition, Long> first) {
    Set<TopicPartition> owned = consumer.assignment();
    first.forEach(
        (tp, offset) -> {
          if (owned.contains(tp)) {
            consumer.seek(tp, offset);
          }
        });
  }

  private void pause(long ms) {
    try {
      stopRequest.await(ms, TimeUnit.MILLISECONDS); // a stop cuts the pause short
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopping = true;
    }
  }

  private void closeClients() {
    try {
      // Leaving the group hands the partitions to the other instances now, not after a timeout.
      consumer.close(
          CloseOptions.timeout(Duration.ofSeconds(10))
              .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
    } catch (RuntimeException e) {
      LOG.warn("closing the consumer: {}", e.toString());
    }
    try {
      producer.close(Duration.ofSeconds(10));
    } catch (RuntimeException e) {
      LOG.warn("closing the producer: {}", e.toString());
    }
    consumerMetrics.close();
    producerMetrics.close();
    assignment = Set.of();
    metrics.assigned(0);
  }

  /**
   * Whether the consumer joined its group (has an assignment, possibly empty), runs, and is
   * connected to the broker now (a member keeps its assignment through a broker outage).
   */
  boolean ready() {
    return joined
        && !stopping
        && failure.get() == null
        && stopped.getCount() > 0
        && BrokerConnection.connected(consumer.metrics());
  }

  Set<TopicPartition> assignment() {
    return assignment;
  }

  Throwable failure() {
    return failure.get();
  }

  boolean awaitStop(Duration timeout) throws InterruptedException {
    return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Asks the loop to stop after the poll in progress; its transaction still commits. */
  void stop() {
    stopping = true;
    stopRequest.countDown();
    consumer.wakeup();
  }

  private final class Rebalance implements ConsumerRebalanceListener {
    // Called inside poll(): no transaction is open then, so nothing is pending to flush.
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      Set<TopicPartition> left = new HashSet<>(assignment);
      left.removeAll(partitions);
      assignment = Set.copyOf(left);
      metrics.assigned(left.size());
      if (!partitions.isEmpty()) {
        LOG.info("pairs partitions revoked: {}", partitions);
      }
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      assignment = Set.copyOf(consumer.assignment());
      metrics.assigned(assignment.size());
      joined = true;
      LOG.info("pairs partitions assigned: {} (now {})", partitions, assignment);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      LOG.warn("pairs partitions lost: {}", partitions);
      onPartitionsRevoked(partitions);
    }
  }
}
