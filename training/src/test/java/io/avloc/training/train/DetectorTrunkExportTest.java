package io.avloc.training.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import ai.djl.engine.Engine;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.training.ParameterStore;
import ai.djl.translate.NoopTranslator;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import io.avloc.core.artifact.ModelArtifact;
import io.avloc.core.artifact.PreprocessingContract;
import io.avloc.core.detector.CenterNet;
import io.avloc.core.detector.ObjectGuidance;
import io.avloc.core.image.RgbImage;
import io.avloc.core.model.AvLocalizer;
import io.avloc.core.model.DetectorHeadLocalizer;
import io.avloc.core.model.Preset;
import io.avloc.core.serde.Json;
import io.avloc.training.loss.TrainingMethod;
import io.avloc.training.synth.FakeAssets;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code avloc train --detector-trunk} ends with one model artifact (the detector and the trained
 * head as one graph, {@code ModelExporter.exportOnDetector}) that computes what the trained network
 * computes: the artifact's graph on ONNX Runtime against the head reloaded behind the detector, on
 * pictures fed through the artifact's own preprocessing contract, with the mirrored margin and the
 * feature centring. A 64 px picture keeps it to seconds.
 */
class DetectorTrunkExportTest {

  @TempDir Path tmp;

  @Test
  void theRunsArtifactComputesTheTrainedNetwork() throws Exception {
    Path out = tmp.resolve("run");
    // the defaults of --detector-trunk (mirrored margin) and the centring option
    ModelArtifact artifact = train("64:head:centre", out);

    assertThat(artifact.preprocessing().imageSize()).isEqualTo(64);
    assertThat(artifact.manifest().outputs().get("simmap").toString()).isEqualTo("[N,4,4]");
    assertThat(artifact.manifest().network()).containsEntry("centreFeatures", true);
    // a head with the per-position L2 writes no field for it: manifests are as before the option
    assertThat(artifact.manifest().network())
        .doesNotContainKey(DetectorHeadLocalizer.NORMALIZE_FEATURES);
    assertThat(DetectorHeadLocalizer.normalizeFeatures(artifact.manifest().network())).isTrue();
    @SuppressWarnings("unchecked")
    Map<String, Object> trunk =
        (Map<String, Object>)
            artifact.manifest().network().get(io.avloc.core.detector.DetectorTrunk.MANIFEST_KEY);
    assertThat(trunk).containsEntry("reflectPadPixels", 16).containsEntry("detectorInputSize", 96);

    assertTheArtifactComputesTheReloadedHead(artifact, out, 4);

    // avloc model export rebuilds the same artifact from the run's head files alone
    ModelArtifact again =
        ModelArtifact.load(DetectorHeads.export(out, detectorDir(), tmp.resolve("again")).dir());
    assertThat(again.manifest().id()).isEqualTo(artifact.manifest().id());
    assertThat(again.manifest().method()).isEqualTo(artifact.manifest().method());
    assertThat(again.manifest().outputs()).isEqualTo(artifact.manifest().outputs());
    assertThat(again.manifest().network()).isEqualTo(artifact.manifest().network());
    assertThat(again.manifest().training()).isEqualTo(artifact.manifest().training());
    assertThat(again.manifest().deviations()).isEqualTo(artifact.manifest().deviations());
    assertTheArtifactComputesTheReloadedHead(again, out, 4);

    // without the object prior: no class heatmaps, no OGL weight, the same audio-visual map
    ModelArtifact avOnly =
        ModelArtifact.load(
            DetectorHeads.export(out, detectorDir(), tmp.resolve("av-only"), false).dir());
    assertThat(avOnly.manifest().outputs())
        .doesNotContainKey(io.avloc.core.detector.DetectorTrunk.CLASS_HEATMAPS);
    assertThat(avOnly.manifest().network()).doesNotContainKey(ObjectGuidance.ALPHA_KEY);
    assertThat(ObjectGuidance.of(avOnly.manifest())).isEmpty();
    assertThat(ObjectGuidance.of(again.manifest())).isPresent();
    assertThat(Files.size(avOnly.onnx())).isLessThan(Files.size(again.onnx()));
    assertTheArtifactComputesTheReloadedHead(avOnly, out, 4);
  }

  /**
   * {@code :raw} on the class heatmaps: the flag goes into the manifest, {@code head.json} and the
   * training fingerprint, the graph has no per-position L2, and the head reloaded from the run's
   * files (which must carry the flag: raw and normalised heads give different maps) computes what
   * the graph does.
   */
  @Test
  void aRawClassHeatmapRunsArtifactComputesTheTrainedNetworkWithoutTheFeatureL2() throws Exception {
    Path out = tmp.resolve("raw");
    ModelArtifact artifact = train("64:classes:raw", out);

    Map<String, Object> network = artifact.manifest().network();
    assertThat(network).containsEntry(DetectorHeadLocalizer.NORMALIZE_FEATURES, false);
    assertThat(DetectorHeadLocalizer.normalizeFeatures(network)).isFalse();
    assertThat(String.valueOf(network.get("architecture"))).contains("raw (no per-position L2)");
    assertThat(artifact.manifest().training()).containsEntry("normalize_features", false);
    Map<?, ?> head =
        (Map<?, ?>)
            Json.MAPPER
                .readValue(out.resolve(DetectorHeads.DESCRIPTION).toFile(), Map.class)
                .get("head");
    assertThat(head.get(DetectorHeadLocalizer.NORMALIZE_FEATURES)).isEqualTo(false);
    ModelProto graph;
    try (InputStream in = Files.newInputStream(artifact.onnx())) {
      graph = ModelProto.parseFrom(in);
    }
    List<String> nodes = graph.getGraph().getNodeList().stream().map(NodeProto::getName).toList();
    assertThat(nodes).noneMatch(n -> n.contains("features.norm"));
    assertThat(nodes).anyMatch(n -> n.contains("visual.norm"));
    // the class heatmaps feed the head and are the object prior output as well
    assertThat(
            artifact.manifest().outputs().get(io.avloc.core.detector.DetectorTrunk.CLASS_HEATMAPS))
        .hasToString("[N,16,16,80]");

    try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager();
        FrozenDetectorLocalizer net = DetectorHeads.load(out, detectorDir(), manager)) {
      assertThat(net.trunk().outputNode()).isEqualTo(CenterNet.KEYPOINTS);
      assertThat(net.head().normalizeFeatures()).isFalse();
    }
    // the class maps have stride 4: 16×16 maps at 64 px
    assertTheArtifactComputesTheReloadedHead(artifact, out, 16);
  }

  private static Path detectorDir() {
    Path detectorDir = CenterNet.defaultDir();
    if (!Files.isRegularFile(detectorDir.resolve(CenterNet.MODEL_JSON))) {
      fail("the CenterNet detector is not in " + detectorDir + "; run " + CenterNet.FETCH_SCRIPT);
    }
    return detectorDir;
  }

  /**
   * One epoch of 8 composed 64 px clips with {@code --detector-trunk spec}; the loaded artifact.
   */
  private ModelArtifact train(String spec, Path out) throws Exception {
    Path assets = tmp.resolve("assets-" + out.getFileName());
    FakeAssets.create(assets);
    TrainOptions d = TrainOptions.defaults(TrainingMethod.EZVSL, assets, Preset.LITE, out);
    TrainOptions options =
        new TrainOptions(
                TrainingMethod.EZVSL,
                assets,
                "generate:8",
                Preset.LITE,
                out,
                1,
                4,
                1e-3f,
                null,
                d.margin(),
                d.fnacWeight(),
                0,
                3,
                null,
                "auto",
                false,
                2,
                null,
                null,
                "v1",
                "avloc train --detector-trunk " + spec)
            .withDetectorTrunk(DetectorTrunk.parse(detectorDir(), spec));
    Trainer.Result result =
        new Trainer(
                options,
                new PrintStream(new ByteArrayOutputStream(), true),
                (net, manager, clips) -> Map.of())
            .run();
    return ModelArtifact.load(result.artifact().dir());
  }

  /**
   * The artifact's graph on ONNX Runtime, fed through its own preprocessing contract, against the
   * head reloaded from the run's files behind a freshly loaded detector, on random pictures.
   */
  private static void assertTheArtifactComputesTheReloadedHead(
      ModelArtifact artifact, Path out, int mapSize) throws Exception {
    PreprocessingContract contract = artifact.preprocessing();
    int n = 2;
    Random random = new Random(5);
    float[] images = new float[n * contract.imageFloats()];
    for (int i = 0; i < n; i++) {
      byte[] px = new byte[64 * 64 * 3];
      random.nextBytes(px);
      contract.imageInto(new RgbImage(64, 64, px), images, i * contract.imageFloats());
    }
    float[] specs = new float[n * contract.spectrogramFloats()];
    for (int i = 0; i < specs.length; i++) {
      specs[i] = (float) random.nextGaussian();
    }
    Shape imageShape = new Shape(n, 3, 64, 64);
    Shape specShape = new Shape(n, 1, 257, contract.frames());

    float[] composed;
    Engine.getEngine("OnnxRuntime");
    try (ZooModel<NDList, NDList> model =
            Criteria.builder()
                .setTypes(NDList.class, NDList.class)
                .optModelPath(artifact.onnx())
                .optEngine("OnnxRuntime")
                .optTranslator(new NoopTranslator())
                .build()
                .loadModel();
        Predictor<NDList, NDList> p = model.newPredictor()) {
      NDArray image = model.getNDManager().create(images, imageShape);
      image.setName("image");
      NDArray spec = model.getNDManager().create(specs, specShape);
      spec.setName("spectrogram");
      composed = p.predict(new NDList(image, spec)).get("simmap").toFloatArray();
    }

    float[] trained;
    try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager();
        FrozenDetectorLocalizer net = DetectorHeads.load(out, detectorDir(), manager)) {
      NDList inputs =
          new NDList(manager.create(images, imageShape), manager.create(specs, specShape));
      trained =
          net.forward(new ParameterStore(manager, false), inputs, false)
              .get(AvLocalizer.SIMMAP)
              .toFloatArray();
    }
    assertThat(composed).hasSize(n * mapSize * mapSize).hasSameSizeAs(trained);
    for (int i = 0; i < composed.length; i++) {
      assertThat(Math.abs(composed[i] - trained[i])).as("simmap value %d", i).isLessThan(1e-4f);
    }
  }
}
