package io.avloc.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.avloc.broker.KafkaBroker;
import io.avloc.core.event.HeatmapEvent;
import io.avloc.core.serde.HeatmapEventSerde;
import io.avloc.testkit.KafkaBrokerExtension;
import io.avloc.testkit.MediaRecords;
import io.avloc.testkit.TestTopics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The whole topology on a real broker with a real (untrained) model on ONNX Runtime. */
@ExtendWith(KafkaBrokerExtension.class)
class StreamsPipelineIT {

  private static final long T0 = 1_700_000_000_000_000L;

  @TempDir Path tmp;

  @Test
  void twoCamerasGetHeatmapsAndEveryBadRecordIsDeadLetteredWhileGoodOnesFlow(KafkaBroker broker)
      throws Exception {
    String prefix = TestTopics.unique("it");
    // Produced as fast as possible, so wall-clock staleness does not apply.
    StreamsSettings settings =
        StreamsSettings.of(PipelineFixture.catchUp(broker, prefix, tmp.resolve("state")));
    Path model = TestMedia.liteModel(tmp.resolve("model"));

    try (AvlocStreamsApp app =
            AvlocStreamsApp.start(
                settings, model, new SimpleMeterRegistry(), Duration.ofSeconds(60));
        KafkaProducer<byte[], byte[]> producer = PipelineFixture.producer(broker)) {
      String frames = settings.get(StreamsSettings.TOPIC_FRAMES_CONFIG);
      String audio = settings.get(StreamsSettings.TOPIC_AUDIO_CONFIG);
      int expected = 0;
      for (String camera : List.of("cam-a", "cam-b")) {
        // 4 s of audio in 100 ms chunks, frames at 10 fps over the first 3.5 s; the 5 Hz rate
        // cap keeps every other frame, and each has its lookahead audio.
        for (int c = 0; c < 40; c++) {
          producer.send(
              MediaRecords.audio(
                  audio, camera, T0 + c * 100_000L, MediaRecords.tone(100, 440, c * 1600L)));
        }
        for (int k = 0; k < 35; k++) {
          ProducerRecord<byte[], byte[]> f =
              MediaRecords.frame(
                  frames, camera, T0 + k * 100_000L, MediaRecords.jpeg(160, 120, k * 4));
          MediaRecords.header(f, "gt-class", "ball-" + camera);
          producer.send(f);
          if (k % 2 == 0) {
            expected++;
          }
        }
      }
      // One record for each kind of contract violation, interleaved with the good ones.
      List<ProducerRecord<byte[], byte[]>> bad = new ArrayList<>();
      bad.add(MediaRecords.frame(frames, "cam-a", T0 + 5, new byte[] {1, 2, 3}));
      ProducerRecord<byte[], byte[]> badTs =
          MediaRecords.frame(frames, "cam-a", T0, MediaRecords.jpeg(8, 8, 0));
      MediaRecords.header(badTs, "ts-us", "yesterday");
      bad.add(badTs);
      ProducerRecord<byte[], byte[]> badFormat =
          MediaRecords.frame(frames, "cam-b", T0, MediaRecords.jpeg(8, 8, 0));
      MediaRecords.header(badFormat, "format", "webp");
      bad.add(badFormat);
      bad.add(new ProducerRecord<>(frames, null, MediaRecords.jpeg(8, 8, 0)));
      bad.add(MediaRecords.audio(audio, "cam-a", T0, new byte[3]));
      ProducerRecord<byte[], byte[]> badRate = MediaRecords.audio(audio, "cam-b", T0, new byte[4]);
      MediaRecords.header(badRate, "sample-rate", "4000");
      bad.add(badRate);
      ProducerRecord<byte[], byte[]> badChannels =
          MediaRecords.audio(audio, "cam-b", T0, new byte[4]);
      MediaRecords.header(badChannels, "channels", "0");
      bad.add(badChannels);
      ProducerRecord<byte[], byte[]> noTs = MediaRecords.audio(audio, "cam-a", T0, new byte[4]);
      noTs.headers().remove("ts-us");
      bad.add(noTs);
      for (ProducerRecord<byte[], byte[]> r : bad) {
        producer.send(r);
      }
      // Close the windows of the last frames: audio beyond their lookahead.
      for (String camera : List.of("cam-a", "cam-b")) {
        producer.send(
            MediaRecords.audio(audio, camera, T0 + 4_000_000L, MediaRecords.tone(100, 440, 64000)));
      }
      producer.flush();

      List<ConsumerRecord<byte[], byte[]>> heatmaps =
          consume(
              broker,
              settings.get(StreamsSettings.TOPIC_HEATMAPS_CONFIG),
              expected,
              Duration.ofSeconds(90));
      List<ConsumerRecord<byte[], byte[]>> dead =
          consume(
              broker,
              settings.get(StreamsSettings.TOPIC_DEADLETTER_CONFIG),
              bad.size(),
              Duration.ofSeconds(30));

      assertThat(heatmaps).hasSize(expected);
      Map<String, List<HeatmapEvent>> byCamera =
          heatmaps.stream()
              .map(r -> HeatmapEventSerde.fromJson(r.value()))
              .collect(Collectors.groupingBy(HeatmapEvent::camera));
      assertThat(byCamera).containsOnlyKeys("cam-a", "cam-b");
      for (List<HeatmapEvent> events : byCamera.values()) {
        assertThat(events).hasSize(expected / 2);
        assertThat(events).extracting(HeatmapEvent::frameTsUs).isSorted().doesNotHaveDuplicates();
        for (HeatmapEvent e : events) {
          assertThat(e.model()).isEqualTo("lite-test@1");
          assertThat(e.grid().w()).isEqualTo(28);
          assertThat(e.audio().endUs() - e.audio().startUs()).isEqualTo(3_000_000L);
          assertThat(e.latencyMs().total()).isGreaterThanOrEqualTo(e.latencyMs().inference());
        }
      }
      ConsumerRecord<byte[], byte[]> first = heatmaps.get(0);
      assertThat(header(first, "model")).isEqualTo("lite-test@1");
      assertThat(header(first, "gt-class")).startsWith("ball-");

      assertThat(dead).hasSize(bad.size());
      assertThat(dead)
          .extracting(r -> header(r, "error-reason"))
          .containsExactlyInAnyOrder(
              "UNDECODABLE_IMAGE",
              "BAD_TIMESTAMP",
              "UNKNOWN_FORMAT",
              "MISSING_KEY",
              "ODD_PCM_LENGTH",
              "BAD_SAMPLE_RATE",
              "BAD_CHANNELS",
              "MISSING_HEADER");
      assertThat(dead).allSatisfy(r -> assertThat(header(r, "error-stage")).isEqualTo("validate"));
      assertThat(app.failure()).isNull();
    }
  }

  static List<ConsumerRecord<byte[], byte[]>> consume(
      KafkaBroker broker, String topic, int atLeast, Duration timeout) {
    return TestTopics.readAll(
        broker,
        topic,
        new ByteArrayDeserializer(),
        new ByteArrayDeserializer(),
        atLeast,
        timeout,
        Duration.ofSeconds(2));
  }

  static String header(ConsumerRecord<byte[], byte[]> r, String key) {
    var h = r.headers().lastHeader(key);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }
}
