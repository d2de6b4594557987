package io.avloc.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import io.avloc.core.artifact.ModelArtifact;
import io.avloc.core.artifact.ModelExporter;
import io.avloc.core.artifact.ModelManifest;
import io.avloc.core.detector.CenterNet;
import io.avloc.core.detector.DetectorTrunk;
import io.avloc.core.detector.ObjectGuidance;
import io.avloc.core.event.HeatmapEvent;
import io.avloc.core.heatmap.HeatmapPostProcessor;
import io.avloc.core.heatmap.ObjectGuidedLocalization;
import io.avloc.core.media.ImageFormat;
import io.avloc.core.media.VideoFrame;
import io.avloc.core.model.DetectorHeadLocalizer;
import io.avloc.core.model.Preset;
import io.avloc.core.pair.AvPair;
import io.avloc.core.serde.Json;
import io.avloc.modelserver.BatchModel;
import io.avloc.modelserver.PairInference;
import io.avloc.modelserver.engine.EngineKind;
import io.avloc.modelserver.engine.EngineOptions;
import io.avloc.modelserver.engine.EngineSelection;
import io.avloc.modelserver.engine.Engines;
import io.avloc.modelserver.engine.InferenceEngine;
import io.avloc.modelserver.engine.ModelShape;
import io.avloc.testkit.FetchedAsset;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model artifact whose visual trunk is the frozen CenterNet (a {@link DetectorHeadLocalizer}
 * exported with {@link ModelExporter#exportOnDetector}) runs through the paths every model takes:
 * {@link ModelArtifact#load}, {@link Engines#load} on ONNX Runtime, {@link PairInference} (the
 * per-batch path of {@code avloc serve} and the streams app), {@code avloc engines} and {@code
 * avloc eval}. Uses the real detector (fetched by {@value CenterNet#FETCH_SCRIPT} when missing) and
 * an untrained head: what is checked is the plumbing, not the accuracy.
 */
class DetectorTrunkModelTest {

  @TempDir static Path shared;
  private static Path model;

  @TempDir Path tmp;

  private final CliRun cli = new CliRun();

  @BeforeAll
  static void exportModel() throws IOException {
    Path detector = CenterNet.defaultDir();
    if (!FetchedAsset.ensure(detector.resolve(CenterNet.MODEL_JSON), CenterNet.FETCH_SCRIPT)) {
      fail("the CenterNet detector is not in " + detector + "; run " + CenterNet.FETCH_SCRIPT);
    }
    Engine torch = Engine.getEngine("PyTorch");
    torch.setRandomSeed(7);
    model = shared.resolve("model");
    DetectorHeadLocalizer head = new DetectorHeadLocalizer(Preset.LITE.config(), 256);
    try (Model holder = Model.newInstance("head", "PyTorch")) {
      holder.setBlock(head);
      head.initialize(holder.getNDManager(), DataType.FLOAT32, head.inputShapes(1, 32, 32));
      ModelExporter.exportOnDetector(
          head,
          DetectorTrunk.headFeatures(detector),
          new ModelExporter.Description(
              "detector-head", "0", "random", Map.of("seed", 7), null, null, List.of(1)),
          model);
    }
  }

  @Test
  void onnxRuntimeRunsItWithBatchesOfOneAndThree() {
    ModelArtifact artifact = ModelArtifact.load(model);
    EngineSelection selection =
        Engines.load(
            artifact,
            List.of(EngineKind.PYTORCH, EngineKind.ONNXRUNTIME),
            new EngineOptions(false, 3, true));
    try (InferenceEngine engine = selection.engine()) {
      assertThat(engine.kind()).isEqualTo(EngineKind.ONNXRUNTIME);
      // PyTorch cannot rebuild a detector that exists only in the graph: it says so
      assertThat(selection.attempts().get(0).reason())
          .contains("frozen CenterNet detector")
          .contains("onnxruntime");

      var contract = artifact.preprocessing();
      assertThat(contract.imageSize()).isEqualTo(512);
      Random random = new Random(3);
      float[] images = new float[3 * contract.imageFloats()];
      for (int i = 0; i < images.length; i++) {
        images[i] = (float) random.nextGaussian();
      }
      float[] specs = new float[3 * contract.spectrogramFloats()];
      for (int i = 0; i < specs.length; i++) {
        specs[i] = (float) random.nextGaussian();
      }
      InferenceEngine.Outputs three = engine.run(images, specs, 3, contract.frames());
      float[] firstImage = java.util.Arrays.copyOf(images, contract.imageFloats());
      float[] firstSpec = java.util.Arrays.copyOf(specs, contract.spectrogramFloats());
      InferenceEngine.Outputs one = engine.run(firstImage, firstSpec, 1, contract.frames());

      assertThat(three.simmap()).hasSize(3 * 32 * 32);
      assertThat(one.simmap()).hasSize(32 * 32);
      for (int i = 0; i < one.simmap().length; i++) {
        assertThat(Math.abs(one.simmap()[i] - three.simmap()[i]))
            .as("simmap %d, batch 1 vs the first of batch 3", i)
            .isLessThan(1e-5f);
      }
    }
  }

  @Test
  void pairInferenceTurnsCameraPairsIntoHeatmapEventsWithIt() throws Exception {
    // PairInference is what avloc serve and the streams app's embedded inference run per batch
    EngineSelection selection =
        Engines.load(
            ModelArtifact.load(model),
            List.of(EngineKind.ONNXRUNTIME),
            new EngineOptions(false, 2, false));
    InferenceEngine engine = selection.engine();
    List<InferenceEngine.Outputs> seen = new ArrayList<>();
    try (BatchModel batchModel = BatchModel.of(recording(engine, seen))) {
      long t = 1_700_000_003_000_000L;
      PairInference inference =
          new PairInference(batchModel, 2, new SimpleMeterRegistry(), () -> t + 900_000);
      assertThat(inference.preprocessing().imageSize()).isEqualTo(512);
      List<HeatmapEvent> events =
          inference.localize(
              List.of(pair("a", png(3), t, inference), pair("b", png(7), t, inference)),
              t + 650_000);

      assertThat(events).extracting(HeatmapEvent::camera).containsExactly("a", "b");
      assertThat(events.get(0).model()).isEqualTo("detector-head@0");
      assertThat(events.get(0).grid().values()).isNotEqualTo(events.get(1).grid().values());

      // the graph's class heatmaps came with the maps, and each event is the object-guided
      // localization of them (ObjectGuidance), not of the audio-visual map alone
      ObjectGuidance guidance = ObjectGuidance.of(engine.manifest()).orElseThrow();
      assertThat(guidance.alpha()).isEqualTo(ObjectGuidedLocalization.DEFAULT_ALPHA);
      InferenceEngine.Outputs out = seen.get(0);
      assertThat(out.classHeatmaps()).hasSize(2 * 128 * 128 * 80);
      HeatmapPostProcessor post = new HeatmapPostProcessor(HeatmapPostProcessor.Options.DEFAULTS);
      for (int i = 0; i < 2; i++) {
        HeatmapPostProcessor.Localization guided =
            guidance.localize(
                post, out.simmap(i), 32, 32, guidance.heatmaps(out.classHeatmaps(), i));
        assertThat(events.get(i).grid()).isEqualTo(guided.grid());
        assertThat(events.get(i).peak()).isEqualTo(guided.peak());
        assertThat(events.get(i).boxes()).isEqualTo(guided.boxes());
        assertThat(events.get(i).grid()).isNotEqualTo(post.process(out.simmap(i), 32, 32).grid());
      }
    }
  }

  /** {@code engine}, recording the outputs of every batch it runs into {@code seen}. */
  private static InferenceEngine recording(
      InferenceEngine engine, List<InferenceEngine.Outputs> seen) {
    return new InferenceEngine() {
      @Override
      public EngineKind kind() {
        return engine.kind();
      }

      @Override
      public ModelManifest manifest() {
        return engine.manifest();
      }

      @Override
      public ModelShape shape() {
        return engine.shape();
      }

      @Override
      public Outputs run(float[] images, float[] spectrograms, int n, int frames) {
        Outputs out = engine.run(images, spectrograms, n, frames);
        seen.add(out);
        return out;
      }

      @Override
      public void close() {
        engine.close();
      }
    };
  }

  private static AvPair pair(String camera, byte[] image, long t, PairInference inference) {
    float[] audio = new float[inference.windowSamples()];
    for (int i = 0; i < audio.length; i++) {
      audio[i] = (float) (0.3 * Math.sin(i * 0.07));
    }
    return new AvPair(
        camera,
        new VideoFrame(t, ImageFormat.PNG, image),
        audio,
        t - 2_500_000,
        t + 500_000,
        false,
        t + 100_000,
        t + 600_000);
  }

  private static byte[] png(int shade) throws IOException {
    BufferedImage img = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 48; y++) {
      for (int x = 0; x < 64; x++) {
        img.setRGB(x, y, (shade * x * 4099 + y * 257) & 0xffffff);
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "png", out);
    return out.toByteArray();
  }

  @Test
  void avlocEnginesLoadsItAndRunsTheWarmUp() {
    assertThat(cli.run("engines", "--model", model.toString(), "--engines", "onnxruntime"))
        .as(cli.err())
        .isZero();
    assertThat(cli.out())
        .contains("model detector-head@0 from " + model)
        .containsPattern("(?m)^onnxruntime +yes +\\d+ ms");
  }

  @Test
  void avlocEvalScoresGeneratedClipsWithIt() throws Exception {
    Path data = tmp.resolve("vggss");
    EvalCommandTest.writeClip(data, "clip_a", "jpg", 96, 64, 16_000, 1);
    EvalCommandTest.writeClip(data, "clip_b", "png", 80, 80, 44_100, 2);
    EvalCommandTest.writeClip(data, "clip_c", "jpg", 64, 96, 16_000, 3);
    Files.writeString(
        data.resolve("vggss.json"),
        """
        [
          {"file": "clip_a", "class": "dog barking", "bbox": [[0.1, 0.1, 0.6, 0.7]]},
          {"file": "clip_b", "class": "violin", "bbox": [[0.5, 0.2, 0.9, 0.8]]},
          {"file": "clip_c", "class": "cat meowing", "bbox": [[0.2, 0.3, 0.8, 0.9]]}
        ]
        """);
    Path json = tmp.resolve("report.json");

    int code =
        cli.run(
            "eval",
            "--model",
            model.toString(),
            "--data",
            data.toString(),
            "--batch",
            "2",
            "--json",
            json.toString());

    assertThat(code).as(cli.err()).isZero();
    JsonNode r = Json.MAPPER.readTree(json.toFile());
    assertThat(r.get("n").asInt()).isEqualTo(3);
    assertThat(r.get("image_size").asInt()).isEqualTo(512);
    assertThat(r.get("ciou").asDouble()).isBetween(0.0, 1.0);
    assertThat(r.get("per_sample")).hasSize(3);
    // by default the map the pipeline emits for this model: OGL with its own class heatmaps
    assertThat(r.get("map").asText()).isEqualTo("av+obj");
    assertThat(r.get("alpha").asDouble()).isEqualTo(ObjectGuidedLocalization.DEFAULT_ALPHA);
    assertThat(cli.out()).contains("objects    model (");

    assertThat(
            cli.run("eval", "--model", model.toString(), "--data", data.toString(), "--map", "av"))
        .as(cli.err())
        .isZero();
    // the output holds both runs: the second scored the audio-visual map, with no object map
    assertThat(cli.out()).containsOnlyOnce("objects ").contains("map        av, upsampled");
  }
}
