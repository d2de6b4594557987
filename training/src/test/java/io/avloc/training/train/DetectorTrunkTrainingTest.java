package io.avloc.training.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.fail;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.avloc.core.artifact.ModelArtifact;
import io.avloc.core.detector.CenterNet;
import io.avloc.core.image.ImageNormalizer;
import io.avloc.core.image.RgbImage;
import io.avloc.core.model.AvLocalizer;
import io.avloc.core.model.DetectorHeadLocalizer;
import io.avloc.core.model.LocalizationNetwork;
import io.avloc.core.model.Preset;
import io.avloc.core.serde.Json;
import io.avloc.training.loss.FnacLoss;
import io.avloc.training.loss.TrainingMethod;
import io.avloc.training.synth.FakeAssets;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code avloc train --detector-trunk}: the frozen CenterNet (ONNX Runtime) in front of a trainable
 * head, trained a few steps on clips composed on the fly. A 64 px detector input keeps it to
 * seconds (4×4 head-feature maps).
 */
class DetectorTrunkTrainingTest {

  private static Path detectorDir;

  @TempDir Path tmp;

  @BeforeAll
  static void detector() {
    String property = System.getProperty("avloc.detector.dir");
    detectorDir =
        property != null && !property.isBlank() ? Path.of(property) : CenterNet.defaultDir();
    if (!Files.isRegularFile(detectorDir.resolve(CenterNet.MODEL_JSON))) {
      fail(
          "the CenterNet detector is not in "
              + detectorDir
              + "; run "
              + CenterNet.FETCH_SCRIPT
              + " before the tests, or pass -Davloc.detector.dir=DIR");
    }
  }

  private TrainOptions options(Path assets, Path out, int epochs, boolean resume, int size) {
    return options(TrainingMethod.EZVSL, assets, out, epochs, resume, size);
  }

  private TrainOptions options(
      TrainingMethod method, Path assets, Path out, int epochs, boolean resume, int size) {
    TrainOptions d = TrainOptions.defaults(method, assets, Preset.LITE, out);
    return new TrainOptions(
            method,
            assets,
            "generate:8",
            Preset.LITE,
            out,
            epochs,
            4,
            1e-3f,
            null,
            d.margin(),
            d.fnacWeight(),
            0,
            3,
            null,
            "auto",
            resume,
            2,
            null,
            null,
            "v1",
            "avloc train --detector-trunk " + size)
        .withDetectorTrunk(new DetectorTrunk(detectorDir, size, "head", true));
  }

  @Test
  void trainsTheHeadOnComposedClipsAndWritesAHeadThatReloadsToTheSameMaps() throws IOException {
    Path assets = tmp.resolve("assets");
    FakeAssets.create(assets);
    Path out = tmp.resolve("run");
    List<Integer> validatedImageSizes = new ArrayList<>();
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    Trainer trainer =
        new Trainer(
            options(assets, out, 1, false, 64),
            new PrintStream(console, true),
            (net, manager, clips) -> {
              validatedImageSizes.add(net.config().imageSize());
              return Map.of();
            });

    Trainer.Result result = trainer.run();

    assertThat(result.interrupted()).isFalse();
    assertThat(result.artifact().dir()).isEqualTo(out); // and the head files: see DetectorHeads
    assertThat(result.history().get(0).samples()).isEqualTo(8);
    assertThat(result.history().get(0).loss().get("loss")).isFinite().isPositive();
    assertThat(console.toString()).contains("frozen detector trunk " + CenterNet.HEAD_FEATURES);
    assertThat(DetectorHeads.isHead(out)).isTrue();
    Map<?, ?> json =
        Json.MAPPER.readValue(out.resolve(DetectorHeads.DESCRIPTION).toFile(), Map.class);
    @SuppressWarnings("unchecked")
    Map<String, Object> detector = (Map<String, Object>) json.get("detector");
    assertThat(detector)
        .containsEntry("featureNode", CenterNet.HEAD_FEATURES)
        .containsEntry("inputSize", 64)
        .containsEntry("featureMapSize", 4);

    // The reloaded head behind a freshly loaded detector gives the maps of the trained network.
    try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager();
        FrozenDetectorLocalizer reloaded = DetectorHeads.load(out, detectorDir, manager);
        FrozenDetectorLocalizer trained =
            FrozenDetectorLocalizer.load(
                new DetectorTrunk(detectorDir, 64, "head", true), Preset.LITE.config())) {
      trained.initialize(
          manager, ai.djl.ndarray.types.DataType.FLOAT32, trained.config().inputShapes(1));
      new Checkpoints(out).restoreBest(trained, manager);
      NDList inputs = inputs(manager, reloaded, 2);
      NDArray a = simmap(reloaded, manager, inputs);
      NDArray b = simmap(trained, manager, inputs);
      assertThat(a.getShape()).isEqualTo(new Shape(2, 4, 4));
      assertThat(a.sub(b).abs().max().getFloat()).isLessThan(1e-5f);
    }
  }

  @Test
  void fnacIsAcceptedWithADetectorTrunkAndTrainsTheHeadWithItsVisualDropout() throws IOException {
    Path assets = tmp.resolve("assets");
    FakeAssets.create(assets);
    Path out = tmp.resolve("run");
    TrainOptions fnac = options(TrainingMethod.FNAC, assets, out, 1, false, 64);
    assertThat(fnac.detectorTrunk()).isNotNull();
    Trainer trainer =
        new Trainer(
            fnac,
            new PrintStream(new ByteArrayOutputStream(), true),
            (net, manager, clips) -> Map.of());

    Trainer.Result result = trainer.run();

    assertThat(result.interrupted()).isFalse();
    assertThat(ModelArtifact.load(out).manifest().network()).containsEntry("visualDropout", 0.9);
    // no warm-up: the FNAC terms are there from the first step
    assertThat(result.history().get(0).loss())
        .containsKeys("loss", FnacLoss.FNS_AUDIO, FnacLoss.FNS_VISUAL);
    assertThat(result.history().get(0).loss().get("loss")).isFinite().isPositive();
    // head.json records the dropout, so the reloaded head and a re-export say what was trained
    try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager();
        FrozenDetectorLocalizer reloaded = DetectorHeads.load(out, detectorDir, manager)) {
      assertThat(reloaded.head().audioConfig().visualDropout()).isEqualTo(0.9f);
    }
    Path again = DetectorHeads.export(out, detectorDir, tmp.resolve("again")).dir();
    assertThat(ModelArtifact.load(again).manifest().network()).containsEntry("visualDropout", 0.9);
  }

  @Test
  void aResumedRunMustUseTheSameDetectorTrunk() throws IOException {
    Path assets = tmp.resolve("assets");
    FakeAssets.create(assets);
    Path out = tmp.resolve("run");
    Trainer first =
        new Trainer(
            options(assets, out, 2, false, 64),
            new PrintStream(new ByteArrayOutputStream(), true),
            (net, manager, clips) -> Map.of());
    first.stopAfterSteps(1);
    assertThat(first.run().interrupted()).isTrue();

    Trainer other =
        new Trainer(
            options(assets, out, 2, true, 96),
            new PrintStream(new ByteArrayOutputStream(), true),
            (net, manager, clips) -> Map.of());
    assertThatThrownBy(other::run)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("resume with the same options");

    Trainer resumed =
        new Trainer(
            options(assets, out, 2, true, 64),
            new PrintStream(new ByteArrayOutputStream(), true),
            (net, manager, clips) -> Map.of());
    Trainer.Result result = resumed.run();
    assertThat(result.interrupted()).isFalse();
    assertThat(result.history()).hasSize(2);
  }

  @Test
  void theDetectorSeesTheOriginalBytesOfTheNormalizedPictureMirroredOutwards() throws IOException {
    SplittableRandom random = new SplittableRandom(5);
    int s = 64;
    byte[] px = new byte[s * s * 3];
    for (int i = 0; i < px.length; i++) {
      px[i] = (byte) random.nextInt(256);
    }
    float[] chw = ImageNormalizer.IMAGENET.toChw(new RgbImage(s, s, px));
    try (FrozenDetectorLocalizer net =
        FrozenDetectorLocalizer.load(
            new DetectorTrunk(detectorDir, s, "head", false), Preset.LITE.config())) {
      float[] nhwc = net.detectorInput(chw, 1);
      for (int i = 0; i < px.length; i++) {
        assertThat(nhwc[i]).isEqualTo((float) (px[i] & 0xff));
      }
    }
    try (FrozenDetectorLocalizer padded =
        FrozenDetectorLocalizer.load(
            new DetectorTrunk(detectorDir, s, "head", true), Preset.LITE.config())) {
      float[] nhwc = padded.detectorInput(chw, 1);
      int side = s + 2 * 16;
      assertThat(nhwc).hasSize(side * side * 3);
      for (int y = 0; y < side; y++) {
        for (int x = 0; x < side; x++) {
          int sy = mirror(y - 16, s);
          int sx = mirror(x - 16, s);
          for (int c = 0; c < 3; c++) {
            assertThat(nhwc[(y * side + x) * 3 + c])
                .isEqualTo((float) (px[(sy * s + sx) * 3 + c] & 0xff));
          }
        }
      }
    }
  }

  @Test
  void aDetectorInputThatIsNotAMultipleOf32OrAnUnknownNodeIsNamed() {
    assertThatThrownBy(() -> DetectorTrunk.parse(detectorDir, "200"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("multiple of 32");
    assertThatThrownBy(() -> DetectorTrunk.parse(detectorDir, "224:keypoints"))
        .hasMessageContaining("classes=" + CenterNet.KEYPOINTS)
        .hasMessageContaining("head=" + CenterNet.HEAD_FEATURES);
    assertThat(DetectorTrunk.parse(detectorDir, "320").mapSize()).isEqualTo(20);
    assertThat(DetectorTrunk.parse(detectorDir, "224:trunk").channels()).isEqualTo(120);
    assertThat(DetectorTrunk.parse(detectorDir, "224").reflectPad()).isTrue();
    assertThat(DetectorTrunk.parse(detectorDir, "224:head:nopad").reflectPad()).isFalse();
    assertThat(DetectorTrunk.parse(detectorDir, "224:head:centre").centre()).isTrue();
    assertThat(DetectorTrunk.parse(detectorDir, "224:head").detectorInputSize()).isEqualTo(256);
    // The class maps: stride 4, 80 channels, a 56×56 map; the margin is 16 px (4 cells), so that
    // the detector's input stays a multiple of 32.
    DetectorTrunk classes = DetectorTrunk.parse(detectorDir, "224:classes");
    assertThat(classes.outputNode()).isEqualTo(CenterNet.KEYPOINTS);
    assertThat(classes.channels()).isEqualTo(80);
    assertThat(classes.mapSize()).isEqualTo(56);
    assertThat(classes.padPixels()).isEqualTo(16);
    assertThat(classes.detectorInputSize()).isEqualTo(256);
  }

  @Test
  void audiobnTrainsAHeadWhoseFilesAndArtifactKeepTheAudioBatchNorm() throws IOException {
    Path assets = tmp.resolve("assets");
    FakeAssets.create(assets);
    Path out = tmp.resolve("abn");
    DetectorTrunk trunk = DetectorTrunk.parse(detectorDir, "64:head:centre:audiobn");
    assertThat(trunk.audioBatchNorm()).isTrue();
    assertThat(trunk.fingerprint()).containsEntry("audio_batch_norm", true);
    assertThat(DetectorTrunk.parse(detectorDir, "64:head:centre").fingerprint())
        .doesNotContainKey("audio_batch_norm");
    Trainer.Result result =
        new Trainer(
                options(TrainingMethod.EZVSL, assets, out, 1, false, 64).withDetectorTrunk(trunk),
                new PrintStream(new ByteArrayOutputStream(), true),
                (net, manager, clips) -> Map.of())
            .run();

    Map<?, ?> json =
        Json.MAPPER.readValue(out.resolve(DetectorHeads.DESCRIPTION).toFile(), Map.class);
    assertThat(((Map<?, ?>) json.get("head")).get(DetectorHeadLocalizer.AUDIO_BATCH_NORM))
        .isEqualTo(true);
    assertThat(result.artifact().manifest().network())
        .containsEntry(DetectorHeadLocalizer.AUDIO_BATCH_NORM, true);
    assertThat(result.artifact().manifest().deviations())
        .anyMatch(d -> d.contains("batch norm over the pooled audio features"));
    try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager();
        FrozenDetectorLocalizer reloaded = DetectorHeads.load(out, detectorDir, manager);
        FrozenDetectorLocalizer trained =
            FrozenDetectorLocalizer.load(trunk, Preset.LITE.config())) {
      assertThat(reloaded.head().audioBatchNorm()).isNotNull();
      trained.initialize(
          manager, ai.djl.ndarray.types.DataType.FLOAT32, trained.config().inputShapes(1));
      new Checkpoints(out).restoreBest(trained, manager);
      NDList inputs = inputs(manager, reloaded, 2);
      assertThat(
              simmap(reloaded, manager, inputs)
                  .sub(simmap(trained, manager, inputs))
                  .abs()
                  .max()
                  .getFloat())
          .isLessThan(1e-5f);
    }
  }

  @Test
  void rawTurnsOffTheHeadsPerPositionL2AndCombinesWithTheOtherOptions() {
    DetectorTrunk raw = DetectorTrunk.parse(detectorDir, "224:classes:raw");
    assertThat(raw.outputNode()).isEqualTo(CenterNet.KEYPOINTS);
    assertThat(raw.normalizeFeatures()).isFalse();
    assertThat(raw.centre()).isFalse();
    assertThat(raw.reflectPad()).isTrue();
    assertThat(raw.fingerprint()).containsEntry("normalize_features", false);

    DetectorTrunk all = DetectorTrunk.parse(detectorDir, "224:raw:nopad:classes:centre");
    assertThat(all.outputNode()).isEqualTo(CenterNet.KEYPOINTS);
    assertThat(all.normalizeFeatures()).isFalse();
    assertThat(all.centre()).isTrue();
    assertThat(all.reflectPad()).isFalse();

    // without it, the L2 stays and the fingerprint is what runs before the option wrote
    DetectorTrunk plain = DetectorTrunk.parse(detectorDir, "224:classes:centre");
    assertThat(plain.normalizeFeatures()).isTrue();
    assertThat(plain.fingerprint()).doesNotContainKey("normalize_features");
    assertThat(DetectorTrunk.parse(detectorDir, "224").normalizeFeatures()).isTrue();
  }

  @Test
  void anUnknownOptionOrASecondNodeIsRefusedWithTheUsage() {
    assertThatThrownBy(() -> DetectorTrunk.parse(detectorDir, "224:classes:rwa"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'rwa' is neither a feature node")
        .hasMessageContaining("nopad, centre, raw, audiobn")
        .hasMessageContaining(DetectorTrunk.USAGE);
    assertThatThrownBy(() -> DetectorTrunk.parse(detectorDir, "224:head:classes"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("two feature nodes, head and classes");
    assertThatThrownBy(() -> DetectorTrunk.parse(detectorDir, "big:raw"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(DetectorTrunk.USAGE);
  }

  /** numpy's reflect padding: -1 → 1, size → size − 2. */
  private static int mirror(int k, int size) {
    return k < 0 ? -k : k >= size ? 2 * size - 2 - k : k;
  }

  private static NDList inputs(NDManager manager, LocalizationNetwork net, int n) {
    Engine.getEngine("PyTorch").setRandomSeed(9);
    return new NDList(
        manager.randomNormal(net.config().imageShape(n)),
        manager.randomNormal(net.config().spectrogramShape(n)));
  }

  private static NDArray simmap(LocalizationNetwork net, NDManager manager, NDList inputs) {
    return net.forward(new ParameterStore(manager, false), inputs, false).get(AvLocalizer.SIMMAP);
  }
}
