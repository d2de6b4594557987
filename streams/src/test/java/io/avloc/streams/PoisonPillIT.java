package io.avloc.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.avloc.broker.KafkaBroker;
import io.avloc.core.artifact.ModelArtifact;
import io.avloc.core.media.DeadLetters;
import io.avloc.core.media.ImageFormat;
import io.avloc.core.media.VideoFrame;
import io.avloc.core.pair.AvPair;
import io.avloc.core.pair.PairCodec;
import io.avloc.modelserver.LocalizationModel;
import io.avloc.modelserver.PairInference;
import io.avloc.modelserver.ops.OpsServer;
import io.avloc.modelserver.serve.PairServer;
import io.avloc.modelserver.serve.ServeConfig;
import io.avloc.testkit.KafkaBrokerExtension;
import io.avloc.testkit.MediaRecords;
import io.avloc.testkit.TestTopics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Poison pills on a real broker: records as large as the validator accepts that turn out to be
 * undecodable become dead letters, and the pipeline keeps going. Before, the dead letter of a ~1 MB
 * audio chunk (1,048,732 bytes with its error headers) was over the producer's 1 MiB {@code
 * max.request.size}: the application stopped, its offset uncommitted, and died on the same record
 * at every restart; a 2 MB frame could not even be stored in a topic the application had created.
 */
@ExtendWith(KafkaBrokerExtension.class)
class PoisonPillIT {

  private static final long T0 = 1_700_000_000_000_000L;

  /** An odd length: a PCM s16le chunk must have whole samples (ODD_PCM_LENGTH). */
  private static final int AUDIO_BYTES = 1_048_575;

  private static final int FRAME_BYTES = 2 << 20;

  @TempDir Path tmp;

  private StreamsSettings settings(KafkaBroker broker, String prefix) {
    Map<String, String> o = new HashMap<>();
    o.put("avloc.bootstrap", broker.bootstrapServers());
    o.put("avloc.application.id", prefix + "-app");
    o.put("avloc.state.dir", tmp.resolve("state").toString());
    o.put("avloc.topic.frames", prefix + ".frames");
    o.put("avloc.topic.audio", prefix + ".audio");
    o.put("avloc.topic.heatmaps", prefix + ".heatmaps");
    o.put("avloc.topic.deadletter", prefix + ".deadletter");
    o.put("avloc.topic.pairs", prefix + ".pairs");
    o.put("avloc.topic.partitions", "2");
    o.put("avloc.sync.mode", "catch-up");
    o.put("avloc.inference.mode", "distributed");
    return StreamsSettings.of(o);
  }

  /** A JPEG signature, then garbage: only decoding finds out. */
  private static byte[] undecodableJpeg(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (i * 13 + 5);
    }
    b[0] = (byte) 0xff;
    b[1] = (byte) 0xd8;
    b[2] = (byte) 0xff;
    return b;
  }

  /**
   * Two cameras, 4 s of audio and 10 fps frames each, with the two poison pills in the middle of
   * cam-a's records; returns the number of pairs expected (5 Hz rate cap: every other frame).
   */
  private static int publish(KafkaProducer<byte[], byte[]> p, StreamsSettings s) {
    String frames = s.get("avloc.topic.frames");
    String audio = s.get("avloc.topic.audio");
    int expected = 0;
    for (String camera : List.of("cam-a", "cam-b")) {
      for (int c = 0; c < 41; c++) {
        p.send(
            MediaRecords.audio(
                audio, camera, T0 + c * 100_000L, MediaRecords.tone(100, 440, c * 1600L)));
        if (camera.equals("cam-a") && c == 10) {
          p.send(MediaRecords.audio(audio, camera, T0 + 1_050_000L, new byte[AUDIO_BYTES]));
        }
      }
      for (int k = 25; k < 35; k++) {
        p.send(MediaRecords.frame(frames, camera, T0 + k * 100_000L, MediaRecords.jpeg(64, 48, k)));
        if (k % 2 == 1) {
          expected++;
        }
        if (camera.equals("cam-a") && k == 26) {
          p.send(MediaRecords.frame(frames, camera, T0 + 2_650_000L, undecodableJpeg(FRAME_BYTES)));
        }
      }
    }
    p.flush();
    return expected;
  }

  private static KafkaProducer<byte[], byte[]> producer(KafkaBroker broker) {
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

  private static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  @Test
  void undecodableRecordsAsLargeAsAcceptedAreDeadLetteredWholeAndTheRestFlows(KafkaBroker broker)
      throws Exception {
    StreamsSettings s = settings(broker, TestTopics.unique("pill"));
    try (AvlocStreamsApp app =
            AvlocStreamsApp.start(
                s, tmp.resolve("absent"), new SimpleMeterRegistry(), Duration.ofSeconds(60));
        KafkaProducer<byte[], byte[]> p = producer(broker)) {
      int expected = publish(p, s);

      List<ConsumerRecord<byte[], byte[]>> pairs =
          StreamsPipelineIT.consume(
              broker, s.get("avloc.topic.pairs"), expected, Duration.ofSeconds(120));
      List<ConsumerRecord<byte[], byte[]>> dead =
          StreamsPipelineIT.consume(
              broker, s.get("avloc.topic.deadletter"), 2, Duration.ofSeconds(30));

      assertThat(pairs).hasSize(expected);
      assertThat(dead).hasSize(2);
      ConsumerRecord<byte[], byte[]> audioDead =
          dead.stream()
              .filter(r -> s.get("avloc.topic.audio").equals(header(r, "source-topic")))
              .findFirst()
              .orElseThrow();
      assertThat(header(audioDead, "error-reason")).isEqualTo("ODD_PCM_LENGTH");
      assertThat(audioDead.value()).hasSize(AUDIO_BYTES).isEqualTo(new byte[AUDIO_BYTES]);
      ConsumerRecord<byte[], byte[]> frameDead =
          dead.stream()
              .filter(r -> s.get("avloc.topic.frames").equals(header(r, "source-topic")))
              .findFirst()
              .orElseThrow();
      assertThat(frameDead.value()).isEqualTo(undecodableJpeg(FRAME_BYTES));
      assertThat(header(frameDead, "error-reason")).isNotBlank();
      assertThat(dead)
          .allSatisfy(
              r -> assertThat(r.headers().lastHeader(DeadLetters.PAYLOAD_TRUNCATED)).isNull());
      assertThat(app.failure()).isNull();
      assertThat(app.streams().state()).isEqualTo(KafkaStreams.State.RUNNING);
    }
  }

  @Test
  void aDeadLetterTopicWithTheBrokersDefaultLimitGetsTruncatedDeadLettersFromStreamsAndServe(
      KafkaBroker broker) throws Exception {
    String prefix = TestTopics.unique("pill");
    StreamsSettings s = settings(broker, prefix);
    // Created by someone else, without a record limit: the broker's 1 MiB default.
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
      admin
          .createTopics(List.of(new NewTopic(s.get("avloc.topic.deadletter"), 2, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
    Path modelDir = TestMedia.liteModel(tmp.resolve("model"));
    PrometheusMeterRegistry serveRegistry = OpsServer.newRegistry("avloc-serve");
    ServeConfig serve =
        ServeConfig.builder()
            .bootstrap(broker.bootstrapServers())
            .group(prefix + "-serve")
            .pairsTopic(s.get("avloc.topic.pairs"))
            .heatmapsTopic(s.get("avloc.topic.heatmaps"))
            .deadletterTopic(s.get("avloc.topic.deadletter"))
            .httpPort(-1)
            .build();
    try (AvlocStreamsApp app =
            AvlocStreamsApp.start(
                s, tmp.resolve("absent"), new SimpleMeterRegistry(), Duration.ofSeconds(60));
        LocalizationModel model = LocalizationModel.load(ModelArtifact.load(modelDir));
        PairServer server =
            PairServer.start(
                serve,
                new PairInference(model, 8, serveRegistry, () -> System.currentTimeMillis() * 1000),
                serveRegistry);
        KafkaProducer<byte[], byte[]> p = producer(broker)) {
      int expected = publish(p, s);
      // A pair whose 2 MB frame does not decode: serve's dead letter of it is over 1 MiB.
      byte[] frame = undecodableJpeg(FRAME_BYTES);
      AvPair bad =
          new AvPair(
              "cam-z",
              new VideoFrame(T0, ImageFormat.JPEG, frame),
              new float[48_000],
              T0 - 2_500_000,
              T0 + 500_000,
              false,
              0,
              0);
      RecordHeaders h = new RecordHeaders();
      byte[] value = PairCodec.encode(bad, h);
      p.send(
          new ProducerRecord<>(
              s.get("avloc.topic.pairs"),
              null,
              T0 / 1000,
              "cam-z".getBytes(StandardCharsets.UTF_8),
              value,
              h));
      p.flush();

      List<ConsumerRecord<byte[], byte[]>> heatmaps =
          StreamsPipelineIT.consume(
              broker, s.get("avloc.topic.heatmaps"), expected, Duration.ofSeconds(120));
      List<ConsumerRecord<byte[], byte[]>> dead =
          StreamsPipelineIT.consume(
              broker, s.get("avloc.topic.deadletter"), 3, Duration.ofSeconds(30));

      assertThat(heatmaps).hasSize(expected);
      assertThat(dead).hasSize(3);
      assertThat(dead)
          .extracting(r -> header(r, "error-stage"))
          .containsExactlyInAnyOrder("validate", "validate", "serve");
      for (ConsumerRecord<byte[], byte[]> r : dead) {
        assertThat(r.value().length).isLessThan(DeadLetters.BROKER_DEFAULT_MAX_MESSAGE_BYTES);
        assertThat(header(r, "error-reason")).isNotBlank();
        assertThat(header(r, "ts-us")).as("original headers kept").isNotBlank();
      }
      ConsumerRecord<byte[], byte[]> served =
          dead.stream().filter(r -> "serve".equals(header(r, "error-stage"))).findFirst().get();
      assertThat(header(served, DeadLetters.PAYLOAD_TRUNCATED))
          .isEqualTo(Integer.toString(value.length));
      assertThat(header(served, DeadLetters.PAYLOAD_SHA256)).isEqualTo(sha256(value));
      assertThat(served.key()).isEqualTo("cam-z".getBytes(StandardCharsets.UTF_8));
      ConsumerRecord<byte[], byte[]> audioDead =
          dead.stream()
              .filter(r -> s.get("avloc.topic.audio").equals(header(r, "source-topic")))
              .findFirst()
              .orElseThrow();
      assertThat(header(audioDead, DeadLetters.PAYLOAD_TRUNCATED))
          .isEqualTo(Integer.toString(AUDIO_BYTES));
      assertThat(header(audioDead, DeadLetters.PAYLOAD_SHA256))
          .isEqualTo(sha256(new byte[AUDIO_BYTES]));
      assertThat(app.failure()).isNull();
      assertThat(app.streams().state()).isEqualTo(KafkaStreams.State.RUNNING);
      assertThat(server.failure()).isNull();
    }
  }

  private static String header(ConsumerRecord<byte[], byte[]> r, String key) {
    return StreamsPipelineIT.header(r, key);
  }
}
