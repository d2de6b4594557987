package io.avloc.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.MalformedModelException;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.onnx.proto.OnnxMl.NodeProto;
import io.avloc.core.onnx.OnnxExporter;
import io.avloc.core.onnx.OnnxSignature;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DetectorHeadLocalizerTest {

  private static final int C = 256;
  private static final AvLocalizerConfig LITE = Preset.LITE.config();

  private static NDManager manager;
  private static DetectorHeadLocalizer head;

  @BeforeAll
  static void setUp() {
    manager = Networks.pytorchManager();
    Engine.getEngine("PyTorch").setRandomSeed(3);
    head = new DetectorHeadLocalizer(LITE, C);
    head.initialize(manager, DataType.FLOAT32, head.inputShapes(1, 14, 14));
    Networks.randomizeBatchNorms(head, manager);
  }

  @AfterAll
  static void tearDown() {
    manager.close();
  }

  private static NDList infer(NDArray features, NDArray spectrogram) {
    return head.forward(
        new ParameterStore(manager, false), new NDList(features, spectrogram), false);
  }

  @Test
  void outputsAreTheLocalizersSimmapAudioEmbeddingAndVisualMapAtTheFeatureResolution() {
    NDArray features = manager.randomUniform(0, 3, new Shape(2, C, 14, 10));
    NDArray spec = manager.randomNormal(LITE.spectrogramShape(2));
    NDList out = infer(features, spec);

    int d = LITE.embeddingDim();
    Shape[] expected = {new Shape(2, 14, 10), new Shape(2, d), new Shape(2, d, 14, 10)};
    assertThat(out.getShapes()).containsExactly(expected);
    assertThat(head.getOutputShapes(new Shape[] {features.getShape(), spec.getShape()}))
        .containsExactly(expected);
    assertThat(out.stream().map(NDArray::getName))
        .containsExactlyElementsOf(AvLocalizer.OUTPUT_NAMES);
    // unit vectors at every position and for every clip, as the losses expect
    NDArray visualNorms = out.get(AvLocalizer.VISUAL_MAP).norm(new int[] {1});
    NDArray audioNorms = out.get(AvLocalizer.AUDIO_EMB).norm(new int[] {1});
    assertThat(visualNorms.sub(1).abs().max().getFloat()).isLessThan(1e-5f);
    assertThat(audioNorms.sub(1).abs().max().getFloat()).isLessThan(1e-5f);
  }

  @Test
  void aPositionsFeatureMagnitudeDoesNotChangeTheMap() {
    NDArray features = manager.randomUniform(0, 1, new Shape(2, C, 6, 6));
    NDArray spec = manager.randomNormal(LITE.spectrogramShape(2));
    // the outer ring 1.4× larger, as the detector's features are, and noise on every position
    NDArray ring = manager.ones(new Shape(1, 1, 6, 6)).mul(1.4f);
    ring.set(new ai.djl.ndarray.index.NDIndex(":, :, 1:5, 1:5"), 1f);
    NDArray scale = ring.mul(manager.randomUniform(0.5f, 2f, new Shape(2, 1, 6, 6)));
    NDArray plain = infer(features, spec).get(AvLocalizer.SIMMAP);
    NDArray scaled = infer(features.mul(scale), spec).get(AvLocalizer.SIMMAP);

    assertThat(scaled.sub(plain).abs().max().getFloat()).isLessThan(1e-5f);
    // the 1×1 projection has a bias, so without the per-position L2 the map would move
    NDArray unnormalized =
        head.visualProjection()
            .forward(new ParameterStore(manager, false), new NDList(features), false)
            .singletonOrThrow();
    NDArray unnormalizedScaled =
        head.visualProjection()
            .forward(new ParameterStore(manager, false), new NDList(features.mul(scale)), false)
            .singletonOrThrow();
    NDArray a = infer(features, spec).get(AvLocalizer.AUDIO_EMB);
    NDArray mapA = AvLocalizer.ownPairSimilarity(unnormalized.normalize(2, 1, 1e-12), a);
    NDArray mapB = AvLocalizer.ownPairSimilarity(unnormalizedScaled.normalize(2, 1, 1e-12), a);
    assertThat(mapB.sub(mapA).abs().max().getFloat()).isGreaterThan(1e-3f);
  }

  @Test
  void withCentringEachPicturesMeanUnitVectorIsSubtractedBeforeTheProjection() {
    Engine.getEngine("PyTorch").setRandomSeed(4);
    DetectorHeadLocalizer centred = new DetectorHeadLocalizer(LITE, C, true);
    centred.initialize(manager, DataType.FLOAT32, centred.inputShapes(1, 6, 6));
    NDArray features = manager.randomUniform(0, 1, new Shape(2, C, 6, 6));
    NDArray spec = manager.randomNormal(LITE.spectrogramShape(2));
    ParameterStore ps = new ParameterStore(manager, false);
    NDArray visual =
        centred.forward(ps, new NDList(features, spec), false).get(AvLocalizer.VISUAL_MAP);

    NDArray unit = features.normalize(2, 1, 1e-12);
    NDArray centredUnits = unit.sub(unit.mean(new int[] {3}, true).mean(new int[] {2}, true));
    NDArray expected =
        centred
            .visualProjection()
            .forward(ps, new NDList(centredUnits), false)
            .singletonOrThrow()
            .normalize(2, 1, 1e-12);
    NDArray uncentred =
        centred
            .visualProjection()
            .forward(ps, new NDList(unit), false)
            .singletonOrThrow()
            .normalize(2, 1, 1e-12);
    assertThat(visual.sub(expected).abs().max().getFloat()).isLessThan(1e-5f);
    assertThat(visual.sub(uncentred).abs().max().getFloat()).isGreaterThan(1e-2f);
    assertThat(centred.centreFeatures()).isTrue();
    assertThat(head.centreFeatures()).isFalse();
  }

  @Test
  void withRawFeaturesEachPositionsMagnitudeReachesTheProjection() {
    Engine.getEngine("PyTorch").setRandomSeed(5);
    DetectorHeadLocalizer raw = new DetectorHeadLocalizer(LITE, C, false, false);
    raw.initialize(manager, DataType.FLOAT32, raw.inputShapes(1, 6, 6));
    // like class heatmaps: most positions near 0, a few large, so the positions differ in norm
    NDArray scale = manager.randomUniform(0.001f, 2f, new Shape(2, 1, 6, 6));
    NDArray features = manager.randomUniform(0, 1, new Shape(2, C, 6, 6)).mul(scale);
    NDArray spec = manager.randomNormal(LITE.spectrogramShape(2));
    ParameterStore ps = new ParameterStore(manager, false);
    NDArray visual = raw.forward(ps, new NDList(features, spec), false).get(AvLocalizer.VISUAL_MAP);

    NDArray expected =
        raw.visualProjection()
            .forward(ps, new NDList(features), false)
            .singletonOrThrow()
            .normalize(2, 1, 1e-12);
    NDArray withL2 =
        raw.visualProjection()
            .forward(ps, new NDList(features.normalize(2, 1, 1e-12)), false)
            .singletonOrThrow()
            .normalize(2, 1, 1e-12);
    assertThat(visual.sub(expected).abs().max().getFloat()).isLessThan(1e-5f);
    assertThat(visual.sub(withL2).abs().max().getFloat()).isGreaterThan(1e-2f);
    // V itself is still unit length at every position
    assertThat(visual.norm(new int[] {1}).sub(1).abs().max().getFloat()).isLessThan(1e-5f);
    assertThat(raw.normalizeFeatures()).isFalse();
    assertThat(head.normalizeFeatures()).isTrue();
  }

  @Test
  void rawAndCentredSubtractsEachPicturesMeanRawFeatureVector() {
    Engine.getEngine("PyTorch").setRandomSeed(6);
    DetectorHeadLocalizer rawCentred = new DetectorHeadLocalizer(LITE, C, true, false);
    rawCentred.initialize(manager, DataType.FLOAT32, rawCentred.inputShapes(1, 6, 6));
    NDArray scale = manager.randomUniform(0.001f, 2f, new Shape(2, 1, 6, 6));
    NDArray features = manager.randomUniform(0, 1, new Shape(2, C, 6, 6)).mul(scale);
    NDArray spec = manager.randomNormal(LITE.spectrogramShape(2));
    ParameterStore ps = new ParameterStore(manager, false);
    NDArray visual =
        rawCentred.forward(ps, new NDList(features, spec), false).get(AvLocalizer.VISUAL_MAP);

    NDArray centred = features.sub(features.mean(new int[] {3}, true).mean(new int[] {2}, true));
    NDArray expected =
        rawCentred
            .visualProjection()
            .forward(ps, new NDList(centred), false)
            .singletonOrThrow()
            .normalize(2, 1, 1e-12);
    assertThat(visual.sub(expected).abs().max().getFloat()).isLessThan(1e-5f);
  }

  @Test
  void theAudioBatchNormStandardisesThePooledFeaturesBeforeTheProjection() throws Exception {
    Engine.getEngine("PyTorch").setRandomSeed(8);
    DetectorHeadLocalizer bn = new DetectorHeadLocalizer(LITE, C, true, true, true);
    bn.initialize(manager, DataType.FLOAT32, bn.inputShapes(1, 6, 6));
    Networks.randomizeBatchNorms(bn, manager);
    NDArray features = manager.randomUniform(0, 1, new Shape(4, C, 6, 6));
    NDArray spec = manager.randomNormal(LITE.spectrogramShape(4));
    ParameterStore ps = new ParameterStore(manager, false);

    NDArray pooled =
        bn.audioPool()
            .forward(ps, bn.audioTrunk().forward(ps, new NDList(spec), false), false)
            .singletonOrThrow();
    BatchNorm2d norm = bn.audioBatchNorm();
    NDArray standardised =
        pooled
            .sub(norm.runningMean().getArray())
            .div(norm.runningVar().getArray().add(norm.epsilon()).sqrt())
            .mul(norm.gamma().getArray())
            .add(norm.beta().getArray());
    NDArray expected =
        bn.audioProjection()
            .forward(ps, new NDList(standardised), false)
            .singletonOrThrow()
            .normalize(2, 1, 1e-12);
    NDArray audio = bn.forward(ps, new NDList(features, spec), false).get(AvLocalizer.AUDIO_EMB);
    assertThat(audio.sub(expected).abs().max().getFloat()).isLessThan(1e-5f);

    // in training the batch's own statistics: every pooled channel has mean β over the batch
    NDArray trained =
        norm.forward(new ParameterStore(manager, false), new NDList(pooled), true)
            .singletonOrThrow();
    assertThat(trained.mean(new int[] {0}).sub(norm.beta().getArray()).abs().max().getFloat())
        .isLessThan(1e-4f);

    Map<String, Object> table = new HashMap<>();
    bn.recordHeadOptions(table);
    assertThat(table).containsEntry(DetectorHeadLocalizer.AUDIO_BATCH_NORM, true);
    assertThat(DetectorHeadLocalizer.audioBatchNorm(table)).isTrue();
    Map<String, Object> plain = new HashMap<>();
    head.recordHeadOptions(plain);
    assertThat(plain).doesNotContainKey(DetectorHeadLocalizer.AUDIO_BATCH_NORM);
    assertThat(DetectorHeadLocalizer.audioBatchNorm(plain)).isFalse();
    assertThat(head.audioBatchNorm()).isNull();
    assertThatThrownBy(() -> DetectorHeadLocalizer.audioBatchNorm(Map.of("audioBatchNorm", "yes")))
        .hasMessageContaining("true or false");
  }

  @Test
  void aHeadWithoutTheAudioBatchNormKeepsItsParameterFileLayout() throws Exception {
    // the option adds its block last: a head with it writes more than one without it, and a head
    // without it reads back what a head without it wrote
    Engine.getEngine("PyTorch").setRandomSeed(9);
    DetectorHeadLocalizer a = new DetectorHeadLocalizer(LITE, C, true);
    a.initialize(manager, DataType.FLOAT32, a.inputShapes(1, 6, 6));
    DetectorHeadLocalizer b = new DetectorHeadLocalizer(LITE, C, true, true, true);
    b.initialize(manager, DataType.FLOAT32, b.inputShapes(1, 6, 6));
    java.io.ByteArrayOutputStream plainBytes = new java.io.ByteArrayOutputStream();
    a.saveParameters(new java.io.DataOutputStream(plainBytes));
    java.io.ByteArrayOutputStream bnBytes = new java.io.ByteArrayOutputStream();
    b.saveParameters(new java.io.DataOutputStream(bnBytes));
    assertThat(bnBytes.size()).isGreaterThan(plainBytes.size());
    DetectorHeadLocalizer reloaded = new DetectorHeadLocalizer(LITE, C, true);
    reloaded.initialize(manager, DataType.FLOAT32, reloaded.inputShapes(1, 6, 6));
    reloaded.loadParameters(
        manager,
        new java.io.DataInputStream(new java.io.ByteArrayInputStream(plainBytes.toByteArray())));
    assertThat(reloaded.audioProjection().getParameters().get("weight").getArray().toFloatArray())
        .isEqualTo(a.audioProjection().getParameters().get("weight").getArray().toFloatArray());
  }

  @Test
  void aRawHeadsGraphHasNoFeatureL2() {
    Engine.getEngine("PyTorch").setRandomSeed(7);
    DetectorHeadLocalizer raw = new DetectorHeadLocalizer(LITE, C, false, false);
    raw.initialize(manager, DataType.FLOAT32, raw.inputShapes(1, 6, 6));
    List<String> rawNodes = nodeNames(OnnxExporter.export(raw, OnnxSignature.dynamic(), 6, 6));
    List<String> l2Nodes = nodeNames(OnnxExporter.export(head, OnnxSignature.dynamic(), 6, 6));

    assertThat(l2Nodes).anyMatch(n -> n.startsWith("features.norm"));
    assertThat(rawNodes).noneMatch(n -> n.startsWith("features.norm"));
    // the L2 of the projected map stays
    assertThat(rawNodes).anyMatch(n -> n.startsWith("visual.norm"));
  }

  @Test
  void visualDropoutZeroesAboutNinetyPercentOfTheProjectedFeaturesInTrainingOnly() {
    Engine.getEngine("PyTorch").setRandomSeed(8);
    DetectorHeadLocalizer dropped = new DetectorHeadLocalizer(LITE.withVisualDropout(0.9f), C);
    dropped.initialize(manager, DataType.FLOAT32, dropped.inputShapes(1, 6, 6));
    // a projection that passes the first D feature channels through, so that a feature dropped
    // before it is a zero in V and a kept one is its own (rescaled) value
    int d = LITE.embeddingDim();
    float[] passThrough = new float[d * C];
    for (int i = 0; i < d; i++) {
      passThrough[i * C + i] = 1;
    }
    dropped.visualProjection().getParameters().get("weight").getArray().set(passThrough);
    dropped.visualProjection().getParameters().get("bias").getArray().set(new float[d]);
    NDArray features = manager.randomUniform(0.5f, 1, new Shape(2, C, 6, 6));
    NDArray spec = manager.randomNormal(LITE.spectrogramShape(2));
    ParameterStore ps = new ParameterStore(manager, false);

    NDArray trained =
        dropped.forward(ps, new NDList(features, spec), true).get(AvLocalizer.VISUAL_MAP);
    NDArray inferred =
        dropped.forward(ps, new NDList(features, spec), false).get(AvLocalizer.VISUAL_MAP);

    NDArray unit =
        features.normalize(2, 1, 1e-12).get(new ai.djl.ndarray.index.NDIndex(":, 0:{}", d));
    NDArray kept = trained.neq(0).toType(DataType.FLOAT32, false);
    assertThat(1 - kept.mean().getFloat()).isCloseTo(0.9f, within(0.02f));
    // the kept features, after the per-position L2, are what the projection sees
    NDArray expected = unit.mul(kept).normalize(2, 1, 1e-12);
    assertThat(trained.sub(expected).abs().max().getFloat()).isLessThan(1e-5f);
    // outside training nothing is dropped
    assertThat(inferred.sub(unit.normalize(2, 1, 1e-12)).abs().max().getFloat()).isLessThan(1e-5f);
    assertThat(dropped.audioConfig().visualDropout()).isEqualTo(0.9f);
  }

  @Test
  void aHeadWithDropoutHasTheParameterFileOfAHeadWithoutAndInfersAlike()
      throws IOException, MalformedModelException {
    Engine.getEngine("PyTorch").setRandomSeed(9);
    DetectorHeadLocalizer plain = new DetectorHeadLocalizer(LITE, C);
    plain.initialize(manager, DataType.FLOAT32, plain.inputShapes(1, 6, 6));
    Networks.randomizeBatchNorms(plain, manager);
    Engine.getEngine("PyTorch").setRandomSeed(10);
    DetectorHeadLocalizer dropped = new DetectorHeadLocalizer(LITE.withVisualDropout(0.9f), C);
    dropped.initialize(manager, DataType.FLOAT32, dropped.inputShapes(1, 6, 6));

    byte[] plainFile = saved(plain);
    load(dropped, plainFile);
    assertThat(saved(dropped)).isEqualTo(plainFile);
    // and back: the file of the head with dropout loads into a head without
    Engine.getEngine("PyTorch").setRandomSeed(11);
    DetectorHeadLocalizer plainAgain = new DetectorHeadLocalizer(LITE, C);
    plainAgain.initialize(manager, DataType.FLOAT32, plainAgain.inputShapes(1, 6, 6));
    load(plainAgain, saved(dropped));

    NDList inputs =
        new NDList(
            manager.randomUniform(0, 1, new Shape(2, C, 6, 6)),
            manager.randomNormal(LITE.spectrogramShape(2)));
    ParameterStore ps = new ParameterStore(manager, false);
    NDList expected = plain.forward(ps, inputs, false);
    for (DetectorHeadLocalizer h : List.of(dropped, plainAgain)) {
      NDList out = h.forward(ps, inputs, false);
      for (int i = 0; i < expected.size(); i++) {
        assertThat(out.get(i).toFloatArray()).isEqualTo(expected.get(i).toFloatArray());
      }
    }
    // in training only the head with dropout changes V (the visual path has no batch norm)
    NDArray inferredV = expected.get(AvLocalizer.VISUAL_MAP);
    NDArray plainTrainedV = plain.forward(ps, inputs, true).get(AvLocalizer.VISUAL_MAP);
    NDArray droppedTrainedV = dropped.forward(ps, inputs, true).get(AvLocalizer.VISUAL_MAP);
    assertThat(plainTrainedV.sub(inferredV).abs().max().getFloat()).isLessThan(1e-6f);
    assertThat(droppedTrainedV.sub(inferredV).abs().max().getFloat()).isGreaterThan(0.1f);
  }

  private static byte[] saved(DetectorHeadLocalizer h) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      h.saveParameters(out);
    }
    return bytes.toByteArray();
  }

  private static void load(DetectorHeadLocalizer h, byte[] file)
      throws IOException, MalformedModelException {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(file))) {
      h.loadParameters(manager, in);
    }
  }

  @Test
  void aModelTableWithoutTheFieldMeansTheFeaturesAreL2Normalised() {
    String key = DetectorHeadLocalizer.NORMALIZE_FEATURES;
    assertThat(DetectorHeadLocalizer.normalizeFeatures(Map.of("centreFeatures", true))).isTrue();
    assertThat(DetectorHeadLocalizer.normalizeFeatures(Map.of(key, false))).isFalse();
    assertThat(DetectorHeadLocalizer.normalizeFeatures(Map.of(key, true))).isTrue();
    assertThatThrownBy(() -> DetectorHeadLocalizer.normalizeFeatures(Map.of(key, "no")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(key + " must be true or false, not no");
  }

  private static List<String> nodeNames(ai.onnx.proto.OnnxMl.ModelProto model) {
    return model.getGraph().getNodeList().stream().map(NodeProto::getName).toList();
  }

  @Test
  void featuresWithTheWrongChannelCountAreRefusedByShape() {
    NDArray features = manager.randomUniform(0, 1, new Shape(1, 120, 7, 7));
    NDArray spec = manager.randomNormal(LITE.spectrogramShape(1));
    assertThatThrownBy(() -> infer(features, spec))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("(N, 256, h, w)");
  }

  @Test
  void theAudioPathIsThePresetsAndOnlyTheHeadIsTrainable() {
    assertThat(head.audioTrunk().widths()).isEqualTo(LITE.audioWidths());
    long expected =
        AvLocalizer.trainableParameterCount(head.audioTrunk().getParameters().values())
            + (long) C * LITE.embeddingDim()
            + LITE.embeddingDim()
            + (long) LITE.audioWidths().get(3) * LITE.embeddingDim()
            + LITE.embeddingDim();
    assertThat(AvLocalizer.trainableParameterCount(head.getParameters().values()))
        .isEqualTo(expected);
  }
}
