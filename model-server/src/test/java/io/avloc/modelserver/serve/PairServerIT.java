package io.avloc.modelserver.serve;

import static org.assertj.core.api.Assertions.assertThat;

import io.avloc.broker.KafkaBroker;
import io.avloc.core.event.HeatmapEvent;
import io.avloc.core.pair.AvPair;
import io.avloc.core.serde.HeatmapEventSerde;
import io.avloc.modelserver.PairInference;
import io.avloc.modelserver.PairLocalizer;
import io.avloc.modelserver.ops.OpsServer;
import io.avloc.testkit.KafkaBrokerExtension;
import io.avloc.testkit.MediaRecords;
import io.avloc.testkit.TestTopics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link PairServer} on a real broker with a real (untrained) model: pairs become heatmaps exactly
 * once, also when batches fail, when two instances share the partitions, and when a stalled
 * instance loses its partitions and later tries to commit.
 */
@ExtendWith(KafkaBrokerExtension.class)
class PairServerIT {

  private static final int PARTITIONS = 4;

  private String pairs;
  private String heatmaps;
  private String deadletter;
  private String group;

  @BeforeEach
  void topics() {
    String prefix = TestTopics.unique("serve");
    pairs = prefix + ".pairs";
    heatmaps = prefix + ".heatmaps";
    deadletter = prefix + ".deadletter";
    group = prefix + "-group";
  }

  private ServeConfig.Builder config(KafkaBroker broker, String instance) {
    return ServeConfig.builder()
        .bootstrap(broker.bootstrapServers())
        .group(group)
        .instanceId(instance)
        .pairsTopic(pairs)
        .heatmapsTopic(heatmaps)
        .deadletterTopic(deadletter)
        .partitions(PARTITIONS)
        .httpHost("127.0.0.1")
        .httpPort(0)
        .kafka(
            Map.of(
                "consumer.session.timeout.ms", "6000", "consumer.heartbeat.interval.ms", "1000"));
  }

  private static PairInference inference(PrometheusMeterRegistry registry) {
    return new PairInference(
        TestPairs.model(), 8, registry, () -> System.currentTimeMillis() * 1000);
  }

  private static KafkaProducer<byte[], byte[]> producer(KafkaBroker broker) {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            broker.bootstrapServers(),
            ProducerConfig.LINGER_MS_CONFIG,
            5),
        new ByteArraySerializer(),
        new ByteArraySerializer());
  }

  /** Publishes {@code perCamera} pairs for each of four cameras; returns their keys. */
  private Set<String> publishPairs(KafkaBroker broker, int perCamera) {
    Set<String> keys = new HashSet<>();
    try (KafkaProducer<byte[], byte[]> p = producer(broker)) {
      for (int k = 0; k < perCamera; k++) {
        for (String camera : List.of("cam-a", "cam-b", "cam-c", "cam-d")) {
          long ts = TestPairs.T0 + k * 200_000L;
          p.send(TestPairs.record(pairs, TestPairs.pair(camera, ts, k * 5)));
          keys.add(camera + "@" + ts);
        }
      }
      p.flush();
    }
    return keys;
  }

  private List<ConsumerRecord<byte[], byte[]>> read(
      KafkaBroker broker, String topic, int expected, Duration extra) {
    return TestTopics.readAll(
        broker,
        topic,
        new ByteArrayDeserializer(),
        new ByteArrayDeserializer(),
        expected,
        Duration.ofSeconds(120),
        extra);
  }

  private static List<String> eventKeys(List<ConsumerRecord<byte[], byte[]>> records) {
    List<String> keys = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : records) {
      HeatmapEvent e = HeatmapEventSerde.fromJson(r.value());
      keys.add(e.camera() + "@" + e.frameTsUs());
    }
    return keys;
  }

  private static void await(BooleanSupplier condition, Duration timeout, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting until " + what);
      }
      Thread.sleep(50);
    }
  }

  private static String header(ConsumerRecord<byte[], byte[]> r, String key) {
    var h = r.headers().lastHeader(key);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  private static HttpResponse<String> get(PairServer s, String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(s.url() + path)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void everyPairBecomesOneHeatmapAndBrokenRecordsAreDeadLettered(KafkaBroker broker)
      throws Exception {
    PrometheusMeterRegistry registry = OpsServer.newRegistry("avloc-serve");
    try (PairServer server =
        PairServer.start(config(broker, "one").build(), inference(registry), registry)) {
      await(server::ready, Duration.ofSeconds(60), "the server joined its group");
      assertThat(get(server, "/ready").statusCode()).isEqualTo(200);

      Set<String> expected = publishPairs(broker, 5);
      List<String> badReasons = new ArrayList<>();
      try (KafkaProducer<byte[], byte[]> p = producer(broker)) {
        AvPair good = TestPairs.pair("cam-x", TestPairs.T0, 0);
        ProducerRecord<byte[], byte[]> notAPair =
            new ProducerRecord<>(pairs, "cam-x".getBytes(), MediaRecords.jpeg(8, 8, 0));
        p.send(notAPair);
        badReasons.add("NOT_A_PAIR");
        ProducerRecord<byte[], byte[]> noWindow = TestPairs.record(pairs, good);
        noWindow.headers().remove("audio-start-us");
        p.send(noWindow);
        badReasons.add("MISSING_HEADER");
        ProducerRecord<byte[], byte[]> noKey = TestPairs.record(pairs, good);
        p.send(new ProducerRecord<>(pairs, null, (byte[]) null, noKey.value(), noKey.headers()));
        badReasons.add("MISSING_KEY");
        // A JPEG signature and then garbage: only decoding finds out, in the middle of a batch.
        byte[] jpeg = good.frame().data();
        byte[] corrupt = Arrays.copyOf(jpeg, jpeg.length);
        Arrays.fill(corrupt, 3, corrupt.length, (byte) 7);
        AvPair corruptPair =
            new AvPair(
                "cam-x",
                new io.avloc.core.media.VideoFrame(
                    TestPairs.T0, io.avloc.core.media.ImageFormat.JPEG, corrupt),
                good.audio(),
                good.audioStartUs(),
                good.audioEndUs(),
                false,
                0,
                0);
        p.send(TestPairs.record(pairs, corruptPair));
        badReasons.add("UNDECODABLE_IMAGE");
        p.flush();
      }

      List<ConsumerRecord<byte[], byte[]>> out =
          read(broker, heatmaps, expected.size(), Duration.ofSeconds(3));
      List<ConsumerRecord<byte[], byte[]>> dead =
          read(broker, deadletter, badReasons.size(), Duration.ofSeconds(1));

      assertThat(eventKeys(out)).doesNotHaveDuplicates();
      assertThat(new HashSet<>(eventKeys(out))).isEqualTo(expected);
      for (ConsumerRecord<byte[], byte[]> r : out) {
        HeatmapEvent e = HeatmapEventSerde.fromJson(r.value());
        assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(e.camera());
        assertThat(header(r, "model")).isEqualTo(TestPairs.MODEL_ID);
        assertThat(header(r, "gt-class")).isEqualTo("ball-" + e.camera());
        assertThat(header(r, "ts-us")).isEqualTo(Long.toString(e.frameTsUs()));
        assertThat(header(r, "audio-start-us")).as("pair-only headers are dropped").isNull();
        assertThat(r.timestamp()).isEqualTo(e.frameTsUs() / 1000);
        assertThat(e.audio().endUs() - e.audio().startUs()).isEqualTo(3_000_000L);
      }
      assertThat(dead)
          .extracting(r -> header(r, "error-reason"))
          .containsExactlyInAnyOrderElementsOf(badReasons);
      assertThat(dead)
          .allSatisfy(
              r -> {
                assertThat(header(r, "error-stage")).isEqualTo("serve");
                assertThat(header(r, "source-topic")).isEqualTo(pairs);
                assertThat(header(r, "error")).isNotBlank();
              });

      String metrics = get(server, "/metrics").body();
      int total = expected.size() + badReasons.size();
      assertThat(metrics)
          .containsPattern("avloc_serve_pairs_consumed_total\\{[^}]*\\} " + total + ".0")
          .containsPattern("avloc_serve_heatmaps_total\\{[^}]*\\} " + expected.size() + ".0")
          .containsPattern(
              "avloc_deadletters_total\\{[^}]*reason=\"UNDECODABLE_IMAGE\"[^}]*\\} 1.0")
          .contains("avloc_serve_latency_seconds_bucket")
          .contains("avloc_serve_queue_latency_seconds_bucket")
          .contains("avloc_inference_latency_seconds_bucket")
          .contains("avloc_inference_batch_size_bucket")
          .containsPattern("avloc_serve_partitions_assigned\\{[^}]*\\} " + PARTITIONS + ".0")
          .contains("kafka_consumer_fetch_manager_records_consumed_total")
          .contains("kafka_producer_record_send_total")
          .contains("jvm_memory_used_bytes");
      assertThat(server.failure()).isNull();
    }
  }

  @Test
  void aFailedBatchIsAbortedAndRetriedWithoutDuplicates(KafkaBroker broker) throws Exception {
    PrometheusMeterRegistry registry = OpsServer.newRegistry("avloc-serve");
    PairInference real = inference(registry);
    AtomicInteger calls = new AtomicInteger();
    PairLocalizer failingOnce =
        new Delegate(real) {
          @Override
          public List<HeatmapEvent> localize(List<AvPair> batch, long batchStartUs) {
            if (calls.incrementAndGet() == 2) {
              throw new IllegalStateException("simulated GPU failure");
            }
            return real.localize(batch, batchStartUs);
          }
        };
    Set<String> expected = publishPairs(broker, 6);
    try (PairServer server =
        PairServer.start(config(broker, "flaky").build(), failingOnce, registry)) {
      List<ConsumerRecord<byte[], byte[]>> out =
          read(broker, heatmaps, expected.size(), Duration.ofSeconds(3));

      assertThat(eventKeys(out)).doesNotHaveDuplicates();
      assertThat(new HashSet<>(eventKeys(out))).isEqualTo(expected);
      assertThat(calls.get()).isGreaterThan(2);
      assertThat(registry.scrape())
          .containsPattern(
              "avloc_serve_transactions_total\\{[^}]*outcome=\"aborted\"[^}]*\\} [1-9]");
      assertThat(server.failure()).isNull();
    }
  }

  @Test
  void twoInstancesInOneGroupSplitThePartitions(KafkaBroker broker) throws Exception {
    PrometheusMeterRegistry ra = OpsServer.newRegistry("avloc-serve");
    PrometheusMeterRegistry rb = OpsServer.newRegistry("avloc-serve");
    try (PairServer a = PairServer.start(config(broker, "a").build(), inference(ra), ra);
        PairServer b = PairServer.start(config(broker, "b").build(), inference(rb), rb)) {
      await(
          () ->
              a.assignment().size() + b.assignment().size() == PARTITIONS
                  && !a.assignment().isEmpty()
                  && !b.assignment().isEmpty(),
          Duration.ofSeconds(60),
          "both instances own partitions");
      Set<TopicPartition> union = new HashSet<>(a.assignment());
      union.addAll(b.assignment());
      assertThat(union).hasSize(PARTITIONS);

      Set<String> expected = publishPairs(broker, 6);
      List<ConsumerRecord<byte[], byte[]>> out =
          read(broker, heatmaps, expected.size(), Duration.ofSeconds(3));

      assertThat(eventKeys(out)).doesNotHaveDuplicates();
      assertThat(new HashSet<>(eventKeys(out))).isEqualTo(expected);
      assertThat(committedHeatmaps(ra)).isPositive();
      assertThat(committedHeatmaps(rb)).isPositive();
      assertThat(committedHeatmaps(ra) + committedHeatmaps(rb)).isEqualTo(expected.size());
    }
  }

  @Test
  void aStalledInstanceThatLostItsPartitionsCannotCommitItsLateHeatmaps(KafkaBroker broker)
      throws Exception {
    CountDownLatch stalled = new CountDownLatch(1);
    CountDownLatch resume = new CountDownLatch(1);
    PrometheusMeterRegistry ra = OpsServer.newRegistry("avloc-serve");
    PairInference realA = inference(ra);
    PairLocalizer stalling =
        new Delegate(realA) {
          @Override
          public List<HeatmapEvent> localize(List<AvPair> batch, long batchStartUs) {
            stalled.countDown();
            try {
              resume.await(120, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            return realA.localize(batch, batchStartUs);
          }
        };
    // A stalled consumer is dropped from the group after max.poll.interval.ms.
    ServeConfig stallingConfig =
        config(broker, "stalling")
            .kafka(
                Map.of(
                    "consumer.session.timeout.ms", "6000",
                    "consumer.heartbeat.interval.ms", "1000",
                    "consumer.max.poll.interval.ms", "3000"))
            .build();
    PrometheusMeterRegistry rb = OpsServer.newRegistry("avloc-serve");
    try (PairServer a = PairServer.start(stallingConfig, stalling, ra)) {
      await(a::ready, Duration.ofSeconds(60), "the first instance joined");
      Set<String> expected = publishPairs(broker, 4);
      assertThat(stalled.await(60, TimeUnit.SECONDS)).isTrue();

      try (PairServer b = PairServer.start(config(broker, "healthy").build(), inference(rb), rb)) {
        await(
            () -> b.assignment().size() == PARTITIONS,
            Duration.ofSeconds(60),
            "the healthy instance took over every partition");
        List<ConsumerRecord<byte[], byte[]>> byB =
            read(broker, heatmaps, expected.size(), Duration.ofSeconds(1));
        assertThat(new HashSet<>(eventKeys(byB))).isEqualTo(expected);

        resume.countDown(); // the stalled instance wakes up with its old results
        await(
            () ->
                ra.scrape()
                    .matches(
                        "(?s).*avloc_serve_transactions_total\\{[^}]*outcome=\"aborted\"[^}]*\\} [1-9].*"),
            Duration.ofSeconds(60),
            "the stalled instance's transaction was refused");

        List<ConsumerRecord<byte[], byte[]>> all =
            read(broker, heatmaps, expected.size(), Duration.ofSeconds(5));
        assertThat(eventKeys(all)).doesNotHaveDuplicates();
        assertThat(new HashSet<>(eventKeys(all))).isEqualTo(expected);
        assertThat(committedHeatmaps(ra)).isZero();
      }
    }
  }

  private static double committedHeatmaps(PrometheusMeterRegistry registry) {
    var c = registry.find(ServeMetrics.HEATMAPS).counter();
    return c == null ? 0 : c.count();
  }

  /** A localizer that forwards to another; tests override {@code localize}. */
  private abstract static class Delegate implements PairLocalizer {
    private final PairLocalizer inner;

    Delegate(PairLocalizer inner) {
      this.inner = inner;
    }

    @Override
    public int maxBatch() {
      return inner.maxBatch();
    }

    @Override
    public String modelId() {
      return inner.modelId();
    }
  }
}
