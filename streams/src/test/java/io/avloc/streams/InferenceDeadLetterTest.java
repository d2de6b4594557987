package io.avloc.streams;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import io.avloc.core.artifact.ModelArtifact;
import io.avloc.core.artifact.ModelExporter;
import io.avloc.core.event.HeatmapEvent;
import io.avloc.core.media.AudioChunk;
import io.avloc.core.media.AvlocHeaders;
import io.avloc.core.model.Preset;
import io.avloc.core.serde.HeatmapEventSerde;
import io.avloc.modelserver.BatchModel;
import io.avloc.modelserver.engine.EngineKind;
import io.avloc.modelserver.engine.EngineOptions;
import io.avloc.modelserver.engine.Engines;
import io.avloc.streams.inference.EmbeddedLocalizer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Ingest checks a frame's header only, so a frame whose header is fine but whose pixels do not
 * decode reaches inference; there it becomes a dead letter (its bytes and headers as sent, {@code
 * error-stage=inference}) and the other pairs of its batch still become heatmaps. On the real
 * topology with a real lite model on ONNX Runtime.
 */
class InferenceDeadLetterTest {

  private static final long MS = 1_000;
  private static final long T0 = 1_700_000_000_000_000L;

  @TempDir static Path tmp;
  private static BatchModel model;

  @BeforeAll
  static void load() throws Exception {
    Engine.getEngine("OnnxRuntime");
    ModelExporter.exportUntrained(
        Preset.LITE,
        ModelExporter.Description.untrained("deadletter-test", "1", 3),
        3,
        tmp.resolve("m"));
    model =
        BatchModel.of(
            Engines.load(
                    ModelArtifact.load(tmp.resolve("m")),
                    List.of(EngineKind.ONNXRUNTIME),
                    EngineOptions.DEFAULTS.withWarmup(false))
                .engine());
  }

  @AfterAll
  static void close() {
    model.close();
  }

  private static byte[] png(long seed) throws Exception {
    BufferedImage img = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
    Random r = new Random(seed);
    for (int y = 0; y < 48; y++) {
      for (int x = 0; x < 64; x++) {
        img.setRGB(x, y, r.nextInt(0x1000000));
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "png", out);
    return out.toByteArray();
  }

  /**
   * Both modes run the batch on the inference thread, whose result the synchronizer applies at a
   * later record or tick.
   */
  @ParameterizedTest
  @ValueSource(strings = {"catch-up", "realtime"})
  void aFrameThatDoesNotDecodeAtInferenceIsDeadLetteredAndItsBatchStillRuns(String mode)
      throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    StreamsSettings settings =
        StreamsSettings.of(
            Map.of(
                "avloc.bootstrap",
                "127.0.0.1:1",
                "avloc.state.dir",
                tmp.resolve("state-" + mode).toString(),
                "avloc.sync.mode",
                mode,
                "avloc.batch.max",
                "3"));
    EmbeddedLocalizer localizer = new EmbeddedLocalizer(model, 3, registry, () -> T0);
    Properties props = AvlocStreamsApp.streamsProperties(settings);
    props.put(StreamsConfig.STATE_DIR_CONFIG, tmp.resolve("driver-" + mode).toString());
    try (TopologyTestDriver driver =
        new TopologyTestDriver(
            AvlocTopology.build(settings, localizer, registry),
            props,
            Instant.ofEpochMilli(T0 / MS))) {
      TestInputTopic<byte[], byte[]> frames =
          driver.createInputTopic(
              settings.get("avloc.topic.frames"),
              new ByteArraySerializer(),
              new ByteArraySerializer());
      TestInputTopic<byte[], byte[]> audio =
          driver.createInputTopic(
              settings.get("avloc.topic.audio"),
              new ByteArraySerializer(),
              new ByteArraySerializer());
      TestOutputTopic<String, HeatmapEvent> heatmaps =
          driver.createOutputTopic(
              settings.get("avloc.topic.heatmaps"),
              new StringDeserializer(),
              new HeatmapEventSerde().deserializer());
      TestOutputTopic<byte[], byte[]> deadletters =
          driver.createOutputTopic(
              settings.get("avloc.topic.deadletter"),
              new ByteArrayDeserializer(),
              new ByteArrayDeserializer());

      byte[] good = png(1);
      // The signature and IHDR are intact (ingest's header check passes), the pixel data is cut.
      byte[] broken = Arrays.copyOf(png(2), png(2).length / 2);
      long frameTs = T0 + 3_000 * MS;
      for (String camera : List.of("a", "b", "c")) {
        byte[] key = camera.getBytes(StandardCharsets.UTF_8);
        for (long ts = T0; ts < T0 + 3_500 * MS; ts += 100 * MS) {
          RecordHeaders h = new RecordHeaders();
          h.add(AvlocHeaders.TS_US, Long.toString(ts).getBytes(StandardCharsets.UTF_8));
          h.add(AvlocHeaders.FORMAT, AudioChunk.FORMAT.getBytes(StandardCharsets.UTF_8));
          h.add(AvlocHeaders.SAMPLE_RATE, "16000".getBytes(StandardCharsets.UTF_8));
          h.add(AvlocHeaders.CHANNELS, "1".getBytes(StandardCharsets.UTF_8));
          float[] samples = new float[1_600];
          Arrays.fill(samples, 0.1f);
          audio.pipeInput(
              new TestRecord<>(key, AudioChunk.fromMono(ts, 16_000, samples).pcm(), h, ts / MS));
        }
        RecordHeaders h = new RecordHeaders();
        h.add(AvlocHeaders.TS_US, Long.toString(frameTs).getBytes(StandardCharsets.UTF_8));
        h.add(AvlocHeaders.FORMAT, "png".getBytes(StandardCharsets.UTF_8));
        h.add("trace-id", ("trace-" + camera).getBytes(StandardCharsets.UTF_8));
        frames.pipeInput(
            new TestRecord<>(key, camera.equals("b") ? broken : good, h, frameTs / MS));
      }

      List<TestRecord<String, HeatmapEvent>> events = new ArrayList<>(heatmaps.readRecordsToList());
      List<TestRecord<byte[], byte[]>> dead = new ArrayList<>(deadletters.readRecordsToList());
      // Progress, not time: tick until the batch's three frames are out (bounded, so that a batch
      // that never completes fails here instead of hanging).
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
      while (events.size() + dead.size() < 3) {
        assertThat(System.nanoTime()).as("the batch completes").isLessThan(deadline);
        driver.advanceWallClockTime(Duration.ofMillis(25));
        events.addAll(heatmaps.readRecordsToList());
        dead.addAll(deadletters.readRecordsToList());
      }
      assertThat(events).extracting(TestRecord::key).containsExactly("a", "c");
      assertThat(events).allSatisfy(e -> assertThat(e.value().frameTsUs()).isEqualTo(frameTs));

      assertThat(dead).hasSize(1);
      TestRecord<byte[], byte[]> d = dead.get(0);
      assertThat(new String(d.key(), StandardCharsets.UTF_8)).isEqualTo("b");
      assertThat(d.value()).isEqualTo(broken);
      assertThat(header(d, AvlocHeaders.ERROR_STAGE)).isEqualTo("inference");
      assertThat(header(d, AvlocHeaders.ERROR_REASON)).isEqualTo("UNDECODABLE_IMAGE");
      assertThat(header(d, AvlocHeaders.SOURCE_TOPIC))
          .isEqualTo(settings.get("avloc.topic.frames"));
      assertThat(header(d, AvlocHeaders.ERROR)).contains("camera b").contains("does not decode");
      assertThat(header(d, "trace-id")).isEqualTo("trace-b");
      assertThat(header(d, AvlocHeaders.TS_US)).isEqualTo(Long.toString(frameTs));
      assertThat(
              registry
                  .get("avloc.deadletters")
                  .tag("reason", "UNDECODABLE_IMAGE")
                  .tag("topic", settings.get("avloc.topic.frames"))
                  .counter()
                  .count())
          .isEqualTo(1.0);
    }
  }

  private static String header(TestRecord<byte[], byte[]> r, String key) {
    return new String(r.headers().lastHeader(key).value(), StandardCharsets.UTF_8);
  }
}
