package io.avloc.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.avloc.broker.KafkaBroker;
import io.avloc.core.artifact.ModelArtifact;
import io.avloc.core.media.DeadLetters;
import io.avloc.core.media.ImageFormat;
import io.avloc.core.media.VideoFrame;
import io.avloc.core.pair.AvPair;
import io.avloc.core.pair.PairCodec;
import io.avloc.modelserver.BatchModel;
import io.avloc.modelserver.PairInference;
import io.avloc.modelserver.engine.EngineKind;
import io.avloc.modelserver.engine.EngineOptions;
import io.avloc.modelserver.engine.Engines;
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
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Poison pills on a real broker: records as large as the validator accepts that turn out to be
 * undecodable become dead letters, and the pipeline keeps going. Before, the dead letter of a ~1 MB
 * audio chunk (1,048,732 bytes with its error headers) was over the producer's 1 MiB {@code
 * max.request.size}: the application stopped, its offset uncommitted, and died on the same record
 * at every restart; a 2 MB frame could not even be stored in a topic the application had created. A
 * dead-letter topic created elsewhere with the broker's 1 MiB default gets truncated dead letters
 * from both the streams application and {@code avloc serve}.
 */
@ExtendWith(KafkaBrokerExtension.class)
class PoisonPillIT {

  private static final long T0 = 1_700_000_000_000_000L;

  /** An odd length: a PCM s16le chunk must have whole samples (ODD_PCM_LENGTH). */
  private static final int AUDIO_BYTES = 1_048_575;

  private static final int FRAME_BYTES = 2 << 20;

  @TempDir Path tmp;

  private StreamsSettings settings(KafkaBroker broker, String prefix) {
    Map<String, String> o = PipelineFixture.catchUp(broker, prefix, tmp.resolve("state"));
    o.put(StreamsSettings.INFERENCE_MODE_CONFIG, "distributed");
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
    String frames = s.get(StreamsSettings.TOPIC_FRAMES_CONFIG);
    String audio = s.get(StreamsSettings.TOPIC_AUDIO_CONFIG);
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
        KafkaProducer<byte[], byte[]> p = PipelineFixture.producer(broker)) {
      int expected = publish(p, s);

      List<ConsumerRecord<byte[], byte[]>> pairs =
          StreamsPipelineIT.consume(
              broker, s.get(StreamsSettings.TOPIC_PAIRS_CONFIG), expected, Duration.ofSeconds(120));
      List<ConsumerRecord<byte[], byte[]>> dead =
          StreamsPipelineIT.consume(
              broker, s.get(StreamsSettings.TOPIC_DEADLETTER_CONFIG), 2, Duration.ofSeconds(30));

      assertThat(pairs).hasSize(expected);
      assertThat(dead).hasSize(2);
      ConsumerRecord<byte[], byte[]> audioDead =
          dead.stream()
              .filter(
                  r -> s.get(StreamsSettings.TOPIC_AUDIO_CONFIG).equals(header(r, "source-topic")))
              .findFirst()
              .orElseThrow();
      assertThat(header(audioDead, "error-reason")).isEqualTo("ODD_PCM_LENGTH");
      assertThat(audioDead.value()).hasSize(AUDIO_BYTES).isEqualTo(new byte[AUDIO_BYTES]);
      ConsumerRecord<byte[], byte[]> frameDead =
          dead.stream()
              .filter(
                  r -> s.get(StreamsSettings.TOPIC_FRAMES_CONFIG).equals(header(r, "source-topic")))
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

  /** Creates {@code topic} without a record limit: the broker's 1 MiB default. */
  private static void createWithBrokerDefaults(KafkaBroker broker, String topic) throws Exception {
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
      admin
          .createTopics(List.of(new NewTopic(topic, 2, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void aDeadLetterTopicWithTheBrokersDefaultLimitGetsTruncatedDeadLettersFromStreams(
      KafkaBroker broker) throws Exception {
    StreamsSettings s = settings(broker, TestTopics.unique("pill"));
    createWithBrokerDefaults(broker, s.get(StreamsSettings.TOPIC_DEADLETTER_CONFIG));
    try (AvlocStreamsApp app =
            AvlocStreamsApp.start(
                s, tmp.resolve("absent"), new SimpleMeterRegistry(), Duration.ofSeconds(60));
        KafkaProducer<byte[], byte[]> p = PipelineFixture.producer(broker)) {
      int expected = publish(p, s);

      List<ConsumerRecord<byte[], byte[]>> pairs =
          StreamsPipelineIT.consume(
              broker, s.get(StreamsSettings.TOPIC_PAIRS_CONFIG), expected, Duration.ofSeconds(120));
      List<ConsumerRecord<byte[], byte[]>> dead =
          StreamsPipelineIT.consume(
              broker, s.get(StreamsSettings.TOPIC_DEADLETTER_CONFIG), 2, Duration.ofSeconds(30));

      assertThat(pairs).hasSize(expected);
      assertThat(dead).hasSize(2);
      for (ConsumerRecord<byte[], byte[]> r : dead) {
        assertThat(r.value().length).isLessThan(DeadLetters.BROKER_DEFAULT_MAX_MESSAGE_BYTES);
        assertThat(header(r, "error-stage")).isEqualTo("validate");
        assertThat(header(r, "error-reason")).isNotBlank();
        assertThat(header(r, "ts-us")).as("original headers kept").isNotBlank();
        assertThat(r.key()).isEqualTo("cam-a".getBytes(StandardCharsets.UTF_8));
      }
      ConsumerRecord<byte[], byte[]> audioDead =
          dead.stream()
              .filter(
                  r -> s.get(StreamsSettings.TOPIC_AUDIO_CONFIG).equals(header(r, "source-topic")))
              .findFirst()
              .orElseThrow();
      assertThat(header(audioDead, DeadLetters.PAYLOAD_TRUNCATED))
          .isEqualTo(Integer.toString(AUDIO_BYTES));
      assertThat(header(audioDead, DeadLetters.PAYLOAD_SHA256))
          .isEqualTo(sha256(new byte[AUDIO_BYTES]));
      ConsumerRecord<byte[], byte[]> frameDead =
          dead.stream()
              .filter(
                  r -> s.get(StreamsSettings.TOPIC_FRAMES_CONFIG).equals(header(r, "source-topic")))
              .findFirst()
              .orElseThrow();
      byte[] frame = undecodableJpeg(FRAME_BYTES);
      assertThat(header(frameDead, DeadLetters.PAYLOAD_TRUNCATED))
          .isEqualTo(Integer.toString(FRAME_BYTES));
      assertThat(header(frameDead, DeadLetters.PAYLOAD_SHA256)).isEqualTo(sha256(frame));
      assertThat(frameDead.value()).isEqualTo(Arrays.copyOf(frame, frameDead.value().length));
      assertThat(app.failure()).isNull();
      assertThat(app.streams().state()).isEqualTo(KafkaStreams.State.RUNNING);
    }
  }

  /** A pairs-topic record, as the streams application writes it in distributed mode. */
  private static ProducerRecord<byte[], byte[]> pairRecord(String topic, AvPair pair) {
    RecordHeaders h = new RecordHeaders();
    byte[] value = PairCodec.encode(pair, h);
    return new ProducerRecord<>(
        topic,
        null,
        pair.frameTsUs() / 1000,
        pair.camera().getBytes(StandardCharsets.UTF_8),
        value,
        h);
  }

  private static AvPair pair(String camera, long tsUs, byte[] jpeg) {
    return new AvPair(
        camera,
        new VideoFrame(tsUs, ImageFormat.JPEG, jpeg),
        new float[48_000],
        tsUs - 2_500_000,
        tsUs + 500_000,
        false,
        0,
        0);
  }

  @Test
  void serveTruncatesTheDeadLetterOfAnUndecodablePairToTheTopicsLimitAndKeepsGoing(
      KafkaBroker broker) throws Exception {
    String prefix = TestTopics.unique("pill");
    String pairs = prefix + ".pairs";
    String heatmaps = prefix + ".heatmaps";
    String deadletter = prefix + ".deadletter";
    createWithBrokerDefaults(broker, deadletter);
    Path modelDir = TestMedia.liteModel(tmp.resolve("model"));
    PrometheusMeterRegistry registry = OpsServer.newRegistry("avloc-serve");
    ServeConfig serve =
        ServeConfig.builder()
            .bootstrap(broker.bootstrapServers())
            .group(prefix + "-serve")
            .pairsTopic(pairs)
            .heatmapsTopic(heatmaps)
            .deadletterTopic(deadletter)
            .httpPort(-1)
            .build();
    try (BatchModel model =
            BatchModel.of(
                Engines.load(
                        ModelArtifact.load(modelDir),
                        java.util.List.of(EngineKind.ONNXRUNTIME),
                        EngineOptions.DEFAULTS)
                    .engine());
        PairServer server =
            PairServer.start(
                serve,
                new PairInference(model, 8, registry, () -> System.currentTimeMillis() * 1000),
                registry);
        KafkaProducer<byte[], byte[]> p = PipelineFixture.producer(broker)) {
      // Good pairs around a pair whose 2 MB frame does not decode: its dead letter is over 1 MiB.
      ProducerRecord<byte[], byte[]> bad =
          pairRecord(pairs, pair("cam-z", T0, undecodableJpeg(FRAME_BYTES)));
      int good = 0;
      for (int k = 0; k < 6; k++) {
        p.send(pairRecord(pairs, pair("cam-y", T0 + k * 200_000L, MediaRecords.jpeg(96, 72, k))));
        good++;
        if (k == 2) {
          p.send(bad);
        }
      }
      p.flush();

      List<ConsumerRecord<byte[], byte[]>> out =
          StreamsPipelineIT.consume(broker, heatmaps, good, Duration.ofSeconds(120));
      List<ConsumerRecord<byte[], byte[]>> dead =
          StreamsPipelineIT.consume(broker, deadletter, 1, Duration.ofSeconds(30));

      assertThat(out).hasSize(good);
      assertThat(dead).hasSize(1);
      ConsumerRecord<byte[], byte[]> d = dead.get(0);
      assertThat(header(d, "error-stage")).isEqualTo("serve");
      assertThat(header(d, "error-reason")).isEqualTo("UNDECODABLE_IMAGE");
      assertThat(header(d, "source-topic")).isEqualTo(pairs);
      assertThat(header(d, "ts-us")).as("original headers kept").isEqualTo(Long.toString(T0));
      assertThat(d.key()).isEqualTo("cam-z".getBytes(StandardCharsets.UTF_8));
      assertThat(d.value().length).isLessThan(DeadLetters.BROKER_DEFAULT_MAX_MESSAGE_BYTES);
      assertThat(d.value()).isEqualTo(Arrays.copyOf(bad.value(), d.value().length));
      assertThat(header(d, DeadLetters.PAYLOAD_TRUNCATED))
          .isEqualTo(Integer.toString(bad.value().length));
      assertThat(header(d, DeadLetters.PAYLOAD_SHA256)).isEqualTo(sha256(bad.value()));
      assertThat(server.failure()).isNull();
    }
  }

  private static String header(ConsumerRecord<byte[], byte[]> r, String key) {
    return StreamsPipelineIT.header(r, key);
  }
}
