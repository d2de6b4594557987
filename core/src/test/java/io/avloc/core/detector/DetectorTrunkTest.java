package io.avloc.core.detector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.training.ParameterStore;
import ai.djl.translate.NoopTranslator;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.avloc.core.artifact.InvalidArtifactException;
import io.avloc.core.artifact.ModelArtifact;
import io.avloc.core.artifact.ModelExporter;
import io.avloc.core.artifact.PreprocessingContract;
import io.avloc.core.artifact.TensorSpec;
import io.avloc.core.image.BicubicResizer;
import io.avloc.core.image.ImageDecoder;
import io.avloc.core.image.RgbImage;
import io.avloc.core.model.AvLocalizer;
import io.avloc.core.model.DetectorHeadLocalizer;
import io.avloc.core.model.Preset;
import io.avloc.core.serde.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The frozen detector trunk composed with a head in one artifact: its graph computes exactly the
 * head on the detector's features, it is pruned to what the features need, and a manifest that
 * disagrees with it is refused. Uses the real detector ({@link TestDetector}) and real pictures.
 */
class DetectorTrunkTest {

  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(DetectorTrunkTest.class);

  private static final double TOLERANCE = 1e-4;
  private static final List<String> PICTURES =
      List.of("hall-cow", "hay_field-dog-horse", "hill-rooster-violin");

  @TempDir static Path shared;

  private static Path detectorDir;
  private static Model headModel;
  private static DetectorHeadLocalizer head;
  private static ModelArtifact artifact;

  @BeforeAll
  static void export() throws IOException {
    detectorDir = TestDetector.dir();
    Engine.getEngine("OnnxRuntime"); // DJL's engine must own the OrtEnvironment
    Engine torch = Engine.getEngine("PyTorch");
    torch.setRandomSeed(3);
    head = new DetectorHeadLocalizer(Preset.LITE.config(), 256);
    headModel = Model.newInstance("head", "PyTorch");
    headModel.setBlock(head);
    head.initialize(headModel.getNDManager(), DataType.FLOAT32, head.inputShapes(1, 32, 32));
    DetectorTrunk trunk = DetectorTrunk.headFeatures(detectorDir);
    artifact =
        ModelExporter.exportOnDetector(
            head,
            trunk,
            new ModelExporter.Description(
                "detector-test", "1", "ezvsl", Map.of("data", "none"), null, null, List.of(1, 3)),
            shared.resolve("model"));
  }

  @AfterAll
  static void close() {
    if (headModel != null) {
      headModel.close();
    }
  }

  @Test
  void theComposedArtifactComputesTheHeadOnTheDetectorsFeatures() throws Exception {
    ModelArtifact loaded = ModelArtifact.load(artifact.dir());
    PreprocessingContract contract = loaded.preprocessing();
    assertThat(contract).isSameAs(PreprocessingContract.standard(CenterNet.INPUT_SIZE));
    int n = PICTURES.size();
    int side = CenterNet.INPUT_SIZE;
    float[] images = new float[n * contract.imageFloats()];
    float[] detectorInput = new float[n * side * side * 3];
    for (int i = 0; i < n; i++) {
      RgbImage picture = picture(PICTURES.get(i) + ".png");
      contract.imageInto(picture, images, i * contract.imageFloats());
      ObjectDetector.input(picture, detectorInput, i);
    }
    float[] spectrograms = gaussian(n * contract.spectrogramFloats(), 11);

    // one step: the artifact's graph on ONNX Runtime, fed through the contract
    float[][] composed;
    try (ZooModel<NDList, NDList> model = onnxRuntime(loaded.onnx());
        Predictor<NDList, NDList> p = model.newPredictor();
        NDManager m = model.getNDManager().newSubManager()) {
      NDArray image = m.create(images, new Shape(n, 3, side, side));
      image.setName("image");
      NDArray spec = m.create(spectrograms, new Shape(n, 1, 257, contract.frames()));
      spec.setName("spectrogram");
      NDList out = p.predict(new NDList(image, spec));
      composed = new float[4][];
      for (int k = 0; k < 3; k++) {
        composed[k] = out.get(AvLocalizer.OUTPUT_NAMES.get(k)).toFloatArray();
      }
      composed[3] = out.get(DetectorTrunk.CLASS_HEATMAPS).toFloatArray();
    }

    // two steps: the detector on ONNX Runtime, then the head's DJL block on PyTorch
    float[] nhwc;
    float[] keypoints;
    try (ObjectDetector detector = ObjectDetector.load(detectorDir)) {
      ObjectDetector.Outputs run = detector.run(detectorInput, n);
      nhwc = run.headFeatures();
      keypoints = run.keypoints();
    }
    // the class heatmaps of the same pass are the detector's own, in its NHWC layout
    assertThat(composed[3]).hasSameSizeAs(keypoints);
    double keypointDiff = maxAbsDiff(composed[3], keypoints);
    LOG.info("class_heatmaps: max abs difference {}", keypointDiff);
    assertThat(keypointDiff).as("class_heatmaps").isLessThanOrEqualTo(TOLERANCE);
    float[][] twoStep = new float[3][];
    try (NDManager m = headModel.getNDManager().newSubManager()) {
      NDArray features = m.create(nhwc, new Shape(n, 32, 32, 256)).transpose(0, 3, 1, 2);
      NDArray spec = m.create(spectrograms, new Shape(n, 1, 257, contract.frames()));
      NDList out = head.forward(new ParameterStore(m, false), new NDList(features, spec), false);
      for (int k = 0; k < 3; k++) {
        twoStep[k] = out.get(k).toFloatArray();
      }
    }

    for (int k = 0; k < 3; k++) {
      String name = AvLocalizer.OUTPUT_NAMES.get(k);
      assertThat(composed[k]).as(name + " size").hasSameSizeAs(twoStep[k]);
      double diff = maxAbsDiff(composed[k], twoStep[k]);
      LOG.info("{}: max abs difference {} over {} values", name, diff, composed[k].length);
      assertThat(diff).as(name).isLessThanOrEqualTo(TOLERANCE);
    }
    // a head on features must see the pictures differ, or the comparison proves nothing
    assertThat(maxAbsDiff(slice(composed[0], 0, 1024), slice(composed[0], 1, 1024)))
        .isGreaterThan(1e-3);
  }

  @Test
  void theGraphHoldsOnlyWhatTheFeaturesNeedUnderTheArtifactsNames() throws IOException {
    ModelProto graph = ModelProto.parseFrom(Files.readAllBytes(artifact.onnx()));
    assertThat(graph.getGraph().getInputList().stream().map(ValueInfoProto::getName))
        .containsExactly("image", "spectrogram");
    assertThat(graph.getGraph().getOutputList().stream().map(ValueInfoProto::getName))
        .containsExactlyInAnyOrder(
            "simmap", "audio_emb", "visual_map", DetectorTrunk.CLASS_HEATMAPS);
    assertThat(artifact.manifest().outputs().get(DetectorTrunk.CLASS_HEATMAPS))
        .isEqualTo(TensorSpec.of("N", 128, 128, 80));
    assertThat(artifact.manifest().inputs().get("image"))
        .isEqualTo(TensorSpec.of("N", 3, 512, 512));
    assertThat(artifact.manifest().outputs().get("simmap")).isEqualTo(TensorSpec.of("N", 32, 32));

    List<String> names = new ArrayList<>();
    graph.getGraph().getInitializerList().stream().map(TensorProto::getName).forEach(names::add);
    for (NodeProto node : graph.getGraph().getNodeList()) {
      names.add(node.getName());
      names.addAll(node.getOutputList());
    }
    // the class heatmaps are an output (the object prior); the box sizes and offsets are
    // another branch of the detector: pruned
    assertThat(names)
        .anyMatch(s -> s.contains("keypoints"))
        .noneMatch(s -> s.contains("centernet_wh_output"))
        .noneMatch(s -> s.contains("centernet_reg_output"))
        .anyMatch(s -> s.startsWith(DetectorTrunk.DETECTOR_SCOPE))
        .anyMatch(s -> s.startsWith(DetectorTrunk.HEAD_SCOPE));
    assertThat(DetectorTrunk.nodeOf(graph)).isEqualTo(CenterNet.HEAD_FEATURES);

    ModelProto fixed =
        ModelProto.parseFrom(Files.readAllBytes(artifact.file(ModelExporter.fixedBatchFile(3))));
    assertThat(
            fixed
                .getGraph()
                .getInput(0)
                .getType()
                .getTensorType()
                .getShape()
                .getDim(0)
                .getDimValue())
        .isEqualTo(3);
  }

  @Test
  void withTheMirroredMarginTheClassHeatmapsAreThoseOfThePictureCroppedFromThePaddedRun()
      throws Exception {
    int side = 224;
    int pad = 16;
    int padded = side + 2 * pad;
    DetectorTrunk trunk = new DetectorTrunk(detectorDir, side, CenterNet.HEAD_FEATURES, true);
    ModelArtifact small =
        ModelExporter.exportOnDetector(
            head,
            trunk,
            new ModelExporter.Description(
                "detector-224", "1", "ezvsl", Map.of("data", "none"), null, null, List.of()),
            shared.resolve("model-224"));
    PreprocessingContract contract = small.preprocessing();
    int n = PICTURES.size();
    float[] images = new float[n * contract.imageFloats()];
    float[] detectorInput = new float[n * padded * padded * 3];
    for (int i = 0; i < n; i++) {
      RgbImage picture = BicubicResizer.resize(picture(PICTURES.get(i) + ".png"), side, side);
      contract.imageInto(picture, images, i * contract.imageFloats());
      reflectPadded(picture, pad, detectorInput, i);
    }
    float[] composed;
    try (ZooModel<NDList, NDList> model = onnxRuntime(small.onnx());
        Predictor<NDList, NDList> p = model.newPredictor();
        NDManager m = model.getNDManager().newSubManager()) {
      NDArray image = m.create(images, new Shape(n, 3, side, side));
      image.setName("image");
      NDArray spec =
          m.create(
              gaussian(n * contract.spectrogramFloats(), 5),
              new Shape(n, 1, 257, contract.frames()));
      spec.setName("spectrogram");
      composed =
          p.predict(new NDList(image, spec)).get(DetectorTrunk.CLASS_HEATMAPS).toFloatArray();
    }
    float[] full;
    try (ObjectDetector detector =
        ObjectDetector.load(detectorDir, padded, List.of(CenterNet.KEYPOINTS))) {
      full = detector.runNodes(detectorInput, n).get(0);
    }
    int cells = padded / CenterNet.KEYPOINT_STRIDE;
    int ring = pad / CenterNet.KEYPOINT_STRIDE;
    int kept = side / CenterNet.KEYPOINT_STRIDE;
    int classes = CenterNet.COCO_LABELS.size();
    assertThat(small.manifest().outputs().get(DetectorTrunk.CLASS_HEATMAPS))
        .isEqualTo(TensorSpec.of("N", kept, kept, classes));
    float[] cropped = new float[n * kept * kept * classes];
    for (int i = 0; i < n; i++) {
      for (int y = 0; y < kept; y++) {
        System.arraycopy(
            full,
            ((i * cells + y + ring) * cells + ring) * classes,
            cropped,
            ((i * kept + y) * kept) * classes,
            kept * classes);
      }
    }
    assertThat(composed).hasSameSizeAs(cropped);
    assertThat(maxAbsDiff(composed, cropped)).isLessThanOrEqualTo(TOLERANCE);
    // the objects are found: the heatmaps are not all near zero
    float top = 0;
    for (float v : composed) {
      top = Math.max(top, v);
    }
    assertThat(top).isGreaterThan(0.3f);
  }

  /** The picture mirrored out by {@code pad} pixels (numpy's reflect), NHWC RGB 0–255. */
  private static void reflectPadded(RgbImage picture, int pad, float[] dst, int i) {
    int w = picture.width();
    int h = picture.height();
    int dw = w + 2 * pad;
    int dh = h + 2 * pad;
    byte[] px = picture.pixels();
    for (int y = 0; y < dh; y++) {
      int sy = reflect(y - pad, h);
      for (int x = 0; x < dw; x++) {
        int sx = reflect(x - pad, w);
        for (int c = 0; c < 3; c++) {
          dst[((i * dh + y) * dw + x) * 3 + c] = px[(sy * w + sx) * 3 + c] & 0xff;
        }
      }
    }
  }

  private static int reflect(int v, int size) {
    return v < 0 ? -v : v >= size ? 2 * size - 2 - v : v;
  }

  @Test
  void theManifestSaysWhatTheVisualTrunkIs() {
    Map<String, Object> network = artifact.manifest().network();
    assertThat(DetectorTrunk.nodeOf(network)).isEqualTo(CenterNet.HEAD_FEATURES);
    @SuppressWarnings("unchecked")
    Map<String, Object> trunk = (Map<String, Object>) network.get(DetectorTrunk.MANIFEST_KEY);
    assertThat(trunk)
        .containsEntry("kind", DetectorTrunk.KIND)
        .containsEntry("package", CenterNet.PACKAGE)
        .containsEntry("inputSize", 512)
        .containsEntry("featureShape", List.of(256L, 32L, 32L))
        .containsKey("modelSha256");
    assertThat(artifact.manifest().preset()).isEqualTo("centernet-lite");
    assertThat(CenterNet.usedBy(artifact.manifest())).isTrue();
    assertThat(ObjectGuidance.of(artifact.manifest()))
        .contains(new ObjectGuidance(0.4, 128, 128, 80));
    assertThat(artifact.manifest().preprocessing().image().size()).isEqualTo(512);
  }

  @Test
  void aManifestThatDisagreesWithTheComposedGraphIsRefused() throws IOException {
    assertThatThrownBy(() -> ModelArtifact.load(edited("size", m -> imageSize(m, 320))))
        .isInstanceOf(InvalidArtifactException.class)
        .hasMessageContaining("preprocessing.image.size is 320")
        .hasMessageContaining("[N,3,512,512]");
    assertThatThrownBy(
            () ->
                ModelArtifact.load(
                    edited(
                        "node",
                        m ->
                            ((ObjectNode) m.path("network").path(DetectorTrunk.MANIFEST_KEY))
                                .put("node", CenterNet.TRUNK_FEATURES))))
        .isInstanceOf(InvalidArtifactException.class)
        .hasMessageContaining("detector node " + CenterNet.TRUNK_FEATURES)
        .hasMessageContaining("holds the detector up to node " + CenterNet.HEAD_FEATURES);
    assertThatThrownBy(
            () ->
                ModelArtifact.load(
                    edited(
                        "none",
                        m -> ((ObjectNode) m.path("network")).remove(DetectorTrunk.MANIFEST_KEY))))
        .isInstanceOf(InvalidArtifactException.class)
        .hasMessageContaining("not a frozen detector");
  }

  private static void imageSize(ObjectNode manifest, int size) {
    ((ObjectNode) manifest.path("preprocessing").path("image")).put("size", size);
  }

  private Path edited(String name, java.util.function.Consumer<ObjectNode> edit)
      throws IOException {
    Path copy = shared.resolve("edited-" + name);
    Files.createDirectories(copy);
    try (var files = Files.list(artifact.dir())) {
      for (Path f : files.toList()) {
        if (Files.isRegularFile(f)) {
          Files.copy(f, copy.resolve(f.getFileName()));
        }
      }
    }
    Path manifest = copy.resolve(ModelArtifact.MANIFEST);
    ObjectNode tree = (ObjectNode) Json.MAPPER.readTree(manifest.toFile());
    edit.accept(tree);
    Json.MAPPER.writeValue(manifest.toFile(), tree);
    return copy;
  }

  private static ZooModel<NDList, NDList> onnxRuntime(Path onnx) throws Exception {
    return Criteria.builder()
        .setTypes(NDList.class, NDList.class)
        .optModelPath(onnx)
        .optEngine("OnnxRuntime")
        .optTranslator(new NoopTranslator())
        .build()
        .loadModel();
  }

  private static RgbImage picture(String name) throws IOException {
    try (InputStream in =
        DetectorTrunkTest.class.getResourceAsStream("/io/avloc/core/detector/" + name)) {
      return ImageDecoder.decode(in.readAllBytes());
    }
  }

  private static float[] gaussian(int size, long seed) {
    Random r = new Random(seed);
    float[] a = new float[size];
    for (int i = 0; i < size; i++) {
      a[i] = (float) r.nextGaussian();
    }
    return a;
  }

  private static float[] slice(float[] a, int index, int size) {
    float[] out = new float[size];
    System.arraycopy(a, index * size, out, 0, size);
    return out;
  }

  private static double maxAbsDiff(float[] a, float[] b) {
    double worst = 0;
    for (int i = 0; i < a.length; i++) {
      worst = Math.max(worst, Math.abs(a[i] - b[i]));
    }
    return worst;
  }
}
