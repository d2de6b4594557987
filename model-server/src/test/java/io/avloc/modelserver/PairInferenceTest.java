package io.avloc.modelserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import io.avloc.core.artifact.ModelArtifact;
import io.avloc.core.artifact.ModelExporter;
import io.avloc.core.event.HeatmapEvent;
import io.avloc.core.media.ImageFormat;
import io.avloc.core.media.VideoFrame;
import io.avloc.core.model.Preset;
import io.avloc.core.pair.AvPair;
import io.avloc.modelserver.engine.EngineKind;
import io.avloc.modelserver.engine.EngineOptions;
import io.avloc.modelserver.engine.Engines;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PairInferenceTest {

  private static final long T = 1_700_000_003_000_000L;
  private static final long NOW = T + 900_000;

  @TempDir static Path dir;
  private static BatchModel model;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @BeforeAll
  static void load() throws Exception {
    Engine.getEngine("OnnxRuntime");
    ModelExporter.exportUntrained(
        Preset.LITE, ModelExporter.Description.untrained("pairs", "2", 5), 5, dir.resolve("m"));
    model =
        BatchModel.of(
            Engines.load(
                    ModelArtifact.load(dir.resolve("m")),
                    List.of(EngineKind.ONNXRUNTIME),
                    EngineOptions.DEFAULTS)
                .engine());
  }

  @AfterAll
  static void close() {
    model.close();
  }

  private static byte[] png(int shade) throws Exception {
    BufferedImage img = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 30; y++) {
      for (int x = 0; x < 40; x++) {
        img.setRGB(x, y, (shade * x + y) & 0xffffff);
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "png", out);
    return out.toByteArray();
  }

  private static AvPair pair(String camera, byte[] image, int samples) {
    float[] audio = new float[samples];
    for (int i = 0; i < samples; i++) {
      audio[i] = (float) (0.3 * Math.sin(i * 0.07));
    }
    return new AvPair(
        camera,
        new VideoFrame(T, ImageFormat.PNG, image),
        audio,
        T - 2_500_000,
        T + 500_000,
        false,
        T + 100_000, // arrived
        T + 600_000); // ready
  }

  @Test
  void eachPairGetsItsEventWithTheLatencyBreakdownFromItsClocks() throws Exception {
    PairInference inference = new PairInference(model, 4, registry, () -> NOW);
    List<HeatmapEvent> events =
        inference.localize(
            List.of(pair("a", png(3), 48_000), pair("b", png(7), 48_000)), T + 650_000);

    assertThat(events).extracting(HeatmapEvent::camera).containsExactly("a", "b");
    HeatmapEvent e = events.get(0);
    assertThat(e.model()).isEqualTo("pairs@2");
    assertThat(e.emittedAtUs()).isEqualTo(NOW);
    assertThat(e.latencyMs().sync()).isCloseTo(500, within(1e-9));
    assertThat(e.latencyMs().queue()).isCloseTo(50, within(1e-9));
    assertThat(e.latencyMs().total()).isCloseTo(900, within(1e-9));
    assertThat(e.latencyMs().inference()).isPositive();
    assertThat(e.grid().values()).isNotEqualTo(events.get(1).grid().values());
    assertThat(
            registry.get("avloc.inference.batch.size").tag("engine", "OnnxRuntime").summary().max())
        .isEqualTo(2);
  }

  @Test
  void aFrameThatDoesNotDecodeIsNamedByItsPlaceInTheBatch() throws Exception {
    byte[] good = png(5);
    byte[] corrupt = Arrays.copyOf(good, 30); // the PNG signature, then nothing
    PairInference inference = new PairInference(model, 4, registry, () -> NOW);

    assertThatThrownBy(
            () ->
                inference.localize(List.of(pair("a", good, 48_000), pair("b", corrupt, 48_000)), T))
        .isInstanceOfSatisfying(
            PairInputException.class,
            e -> {
              assertThat(e.index()).isEqualTo(1);
              assertThat(e.reason()).isEqualTo("UNDECODABLE_IMAGE");
              assertThat(e.getMessage()).contains("camera b");
            });
  }

  @Test
  void oneBatchTakesOneWindowLengthAndAtMostMaxBatchPairs() throws Exception {
    PairInference inference = new PairInference(model, 1, registry, () -> NOW);
    assertThatThrownBy(
            () ->
                inference.localize(
                    List.of(pair("a", png(1), 48_000), pair("b", png(1), 48_000)), T))
        .hasMessageContaining("exceeds maxBatch 1");
    PairInference two = new PairInference(model, 2, registry, () -> NOW);
    assertThatThrownBy(
            () -> two.localize(List.of(pair("a", png(1), 48_000), pair("b", png(1), 32_000)), T))
        .hasMessageContaining("share the audio window length");
    assertThat(two.windowSamples()).isEqualTo(48_000);
  }
}
