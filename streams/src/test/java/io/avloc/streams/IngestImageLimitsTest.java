package io.avloc.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.avloc.core.artifact.InvalidArtifactException;
import io.avloc.core.artifact.ModelArtifact;
import io.avloc.core.artifact.ModelExporter;
import io.avloc.core.artifact.Preprocessing;
import io.avloc.core.artifact.PreprocessingContract;
import io.avloc.core.event.HeatmapEvent;
import io.avloc.core.media.AvlocHeaders;
import io.avloc.core.model.Preset;
import io.avloc.core.pair.AvPair;
import io.avloc.core.serde.Json;
import io.avloc.modelserver.PairLocalizer;
import io.avloc.streams.sync.AvSyncConfig;
import io.avloc.testkit.ImageBomb;
import io.avloc.testkit.MediaRecords;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the streams app takes from the model's manifest and refuses before decoding: an image bomb
 * is a dead letter from its header; the audio window is the model's; a manifest with an invalid
 * window stops the app before it touches Kafka, as it stops {@code avloc serve}.
 */
class IngestImageLimitsTest {

  private static final long T0 = 1_700_000_000_000_000L;

  @TempDir Path tmp;

  @Test
  void anImageBombIsADeadLetterFromItsHeaderAndTheCameraGoesOn() {
    StreamsSettings s =
        StreamsSettings.of(
            Map.of(
                "avloc.inference.mode", "distributed",
                "avloc.sync.mode", "catch-up",
                "avloc.state.dir", tmp.resolve("state").toString()));
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    byte[] bomb = ImageBomb.png(13_000, 13_000);
    try (TopologyTestDriver driver =
        new TopologyTestDriver(
            AvlocTopology.build(s, null, registry),
            AvlocStreamsApp.streamsProperties(s),
            Instant.ofEpochMilli(T0 / 1000))) {
      TestInputTopic<byte[], byte[]> frames =
          driver.createInputTopic(
              s.get("avloc.topic.frames"), new ByteArraySerializer(), new ByteArraySerializer());
      TestInputTopic<byte[], byte[]> audio =
          driver.createInputTopic(
              s.get("avloc.topic.audio"), new ByteArraySerializer(), new ByteArraySerializer());
      for (int c = 0; c < 40; c++) {
        pipe(
            audio,
            MediaRecords.audio("a", "cam", T0 + c * 100_000L, MediaRecords.tone(100, 440, c)));
      }
      long t0 = System.nanoTime();
      ProducerRecord<byte[], byte[]> bombRecord =
          MediaRecords.frame("f", "cam", T0 + 3_000_000L, bomb);
      bombRecord.headers().remove(AvlocHeaders.FORMAT);
      MediaRecords.header(bombRecord, AvlocHeaders.FORMAT, "png");
      pipe(frames, bombRecord);
      long ms = (System.nanoTime() - t0) / 1_000_000;
      pipe(frames, MediaRecords.frame("f", "cam", T0 + 3_200_000L, MediaRecords.jpeg(64, 48, 1)));
      driver.advanceWallClockTime(Duration.ofMillis(100));

      List<TestRecord<byte[], byte[]>> dead =
          driver
              .createOutputTopic(
                  s.get("avloc.topic.deadletter"),
                  new ByteArrayDeserializer(),
                  new ByteArrayDeserializer())
              .readRecordsToList();
      assertThat(dead).hasSize(1);
      assertThat(header(dead.get(0), AvlocHeaders.ERROR_REASON)).isEqualTo("IMAGE_TOO_LARGE");
      assertThat(header(dead.get(0), AvlocHeaders.ERROR_STAGE)).isEqualTo("validate");
      assertThat(header(dead.get(0), AvlocHeaders.ERROR))
          .contains("13000x13000 pixels, over avloc's image limits");
      assertThat(dead.get(0).value()).isEqualTo(bomb);
      System.out.printf("image bomb (%d bytes) dead-lettered in %d ms%n", bomb.length, ms);

      List<TestRecord<byte[], byte[]>> pairs =
          driver
              .createOutputTopic(
                  s.get("avloc.topic.pairs"),
                  new ByteArrayDeserializer(),
                  new ByteArrayDeserializer())
              .readRecordsToList();
      assertThat(pairs).hasSize(1); // the next good frame of the camera
      assertThat(
              registry
                  .get("avloc.deadletters")
                  .tag("reason", "IMAGE_TOO_LARGE")
                  .tag("topic", s.get("avloc.topic.frames"))
                  .counter()
                  .count())
          .isEqualTo(1.0);
    }
  }

  @Test
  void embeddedModeTakesTheAudioWindowFromTheModel() {
    StreamsSettings s =
        StreamsSettings.of(
            Map.of(
                "avloc.state.dir",
                tmp.resolve("state").toString(),
                "avloc.sync.window.ms",
                "3000"));
    Preprocessing.Audio std = Preprocessing.Audio.STANDARD;
    Preprocessing twoSeconds =
        new Preprocessing(
            new Preprocessing.Audio(
                std.sampleRate(),
                2.0,
                std.nperseg(),
                std.noverlap(),
                std.window(),
                std.tukeyAlpha(),
                std.detrend(),
                std.scaling(),
                std.logEpsilon(),
                std.divisor(),
                133,
                std.pcmScale()),
            Preprocessing.Image.standard(160));
    PreprocessingContract contract = PreprocessingContract.of(twoSeconds);

    AvSyncConfig config = AvlocTopology.syncConfig(s, localizer(contract));

    assertThat(config.window()).isEqualTo(Duration.ofSeconds(2));
    assertThat(AvlocTopology.syncConfig(s, localizer(null)).window())
        .isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void aManifestWithAnInvalidWindowStopsTheAppBeforeKafka() throws Exception {
    Path model = tmp.resolve("m");
    ModelExporter.exportUntrained(
        Preset.LITE, ModelExporter.Description.untrained("bad-window", "1", 1), 1, model);
    Path manifest = model.resolve(ModelArtifact.MANIFEST);
    com.fasterxml.jackson.databind.node.ObjectNode m =
        (com.fasterxml.jackson.databind.node.ObjectNode) Json.MAPPER.readTree(manifest.toFile());
    ((com.fasterxml.jackson.databind.node.ObjectNode) m.get("preprocessing").get("audio"))
        .put("windowSeconds", 0.0);
    Json.MAPPER.writeValue(manifest.toFile(), m);
    StreamsSettings s =
        StreamsSettings.of(
            Map.of(
                "avloc.bootstrap",
                "127.0.0.1:1",
                "avloc.state.dir",
                tmp.resolve("state").toString()));

    assertThatThrownBy(
            () ->
                AvlocStreamsApp.start(s, model, new SimpleMeterRegistry(), Duration.ofSeconds(30)))
        .isInstanceOf(InvalidArtifactException.class)
        .hasMessageContaining("audio.windowSeconds is 0.0");
  }

  private static PairLocalizer localizer(PreprocessingContract contract) {
    return new PairLocalizer() {
      @Override
      public List<HeatmapEvent> localize(List<AvPair> pairs, long batchStartUs) {
        throw new UnsupportedOperationException();
      }

      @Override
      public int maxBatch() {
        return 1;
      }

      @Override
      public String modelId() {
        return "window-test@1";
      }

      @Override
      public PreprocessingContract preprocessing() {
        return contract;
      }
    };
  }

  private static void pipe(TestInputTopic<byte[], byte[]> topic, ProducerRecord<byte[], byte[]> r) {
    topic.pipeInput(new TestRecord<>(r.key(), r.value(), r.headers(), r.timestamp()));
  }

  private static String header(TestRecord<byte[], byte[]> r, String key) {
    return new String(r.headers().lastHeader(key).value(), StandardCharsets.UTF_8);
  }
}
