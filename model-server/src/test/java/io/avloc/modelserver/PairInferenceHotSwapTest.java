package io.avloc.modelserver;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import io.avloc.core.artifact.ModelExporter;
import io.avloc.core.event.HeatmapEvent;
import io.avloc.core.media.ImageFormat;
import io.avloc.core.media.VideoFrame;
import io.avloc.core.model.Preset;
import io.avloc.core.pair.AvPair;
import io.avloc.modelserver.engine.EngineOptions;
import io.avloc.modelserver.registry.ModelRegistry;
import io.avloc.modelserver.registry.RegistryConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link PairInference} over a {@link ModelRegistry}: a new version takes over between batches. */
class PairInferenceHotSwapTest {

  private static final long T = 1_700_000_003_000_000L;

  @TempDir Path tmp;

  private static AvPair pair(String camera) throws IOException {
    BufferedImage img = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 30; y++) {
      for (int x = 0; x < 40; x++) {
        img.setRGB(x, y, (7 * x + y) & 0xffffff);
      }
    }
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    ImageIO.write(img, "png", png);
    float[] audio = new float[48_000];
    for (int i = 0; i < audio.length; i++) {
      audio[i] = (float) (0.3 * Math.sin(i * 0.05));
    }
    return new AvPair(
        camera,
        new VideoFrame(T, ImageFormat.PNG, png.toByteArray()),
        audio,
        T - 2_500_000,
        T + 500_000,
        false,
        T,
        T);
  }

  /** A plain recursive copy, as an operator would copy a version into the models folder. */
  private static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Files.copy(f, to.resolve(from.relativize(f).toString()));
      }
    }
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out waiting until " + what);
      }
      Thread.sleep(20);
    }
  }

  @Test
  void eventsCarryTheNewVersionAfterItIsCopiedInAndNoBatchFails() throws Exception {
    Engine.getEngine("OnnxRuntime");
    Path staging = tmp.resolve("staging");
    ModelExporter.exportUntrained(
        Preset.LITE, ModelExporter.Description.untrained("hot", "1", 5), 5, staging.resolve("1"));
    ModelExporter.exportUntrained(
        Preset.LITE, ModelExporter.Description.untrained("hot", "2", 6), 6, staging.resolve("2"));
    Path models = Files.createDirectories(tmp.resolve("models"));
    copy(staging.resolve("1"), models.resolve("1"));

    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    RegistryConfig config =
        RegistryConfig.of(models)
            .withEngineOptions(EngineOptions.DEFAULTS.withMaxBatch(2))
            .withSettleTime(Duration.ofMillis(150))
            .withRescanInterval(Duration.ofMillis(500));
    List<String> batches = Collections.synchronizedList(new ArrayList<>());
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicBoolean running = new AtomicBoolean(true);
    List<AvPair> pairs = List.of(pair("a"), pair("b"));
    try (BatchModel model = BatchModel.of(ModelRegistry.open(config, meters))) {
      PairInference inference = new PairInference(model, 2, meters, () -> T + 1_000_000);
      assertThat(inference.modelId()).isEqualTo("hot@1");
      Thread caller =
          new Thread(
              () -> {
                try {
                  while (running.get()) {
                    List<HeatmapEvent> events = inference.localize(pairs, T);
                    assertThat(events).hasSize(2);
                    assertThat(events.get(1).model()).isEqualTo(events.get(0).model());
                    batches.add(events.get(0).model());
                  }
                } catch (Throwable e) {
                  failure.set(e);
                }
              },
              "batches");
      caller.start();
      await("batches run on version 1", () -> batches.contains("hot@1") || failure.get() != null);

      copy(staging.resolve("2"), models.resolve("2"));
      await("batches run on version 2", () -> batches.contains("hot@2") || failure.get() != null);
      running.set(false);
      caller.join(30_000);

      assertThat(failure.get()).as("a batch failed").isNull();
      assertThat(inference.modelId()).isEqualTo("hot@2");
      List<String> seen = List.copyOf(batches);
      int first2 = seen.indexOf("hot@2");
      assertThat(seen.subList(0, first2)).isNotEmpty().containsOnly("hot@1");
      assertThat(seen.subList(first2, seen.size())).containsOnly("hot@2");
      // The lease records the meters, tagged with the real engine; PairInference does not again.
      long onVersion2 = seen.size() - first2;
      assertThat(
              meters
                  .get("avloc.inference.latency")
                  .tags("model", "hot@2", "engine", "OnnxRuntime")
                  .timer()
                  .count())
          .isEqualTo(onVersion2);
      assertThat(meters.find("avloc.inference.latency").timers()).hasSize(1);
    }
  }
}
