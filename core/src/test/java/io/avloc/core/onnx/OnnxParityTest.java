package io.avloc.core.onnx;

import static org.assertj.core.api.Assertions.assertThat;

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
import io.avloc.core.model.AvLocalizer;
import io.avloc.core.model.AvLocalizerConfig;
import io.avloc.core.model.DetectorHeadLocalizer;
import io.avloc.core.model.Networks;
import io.avloc.core.model.Preset;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The exported graph run by ONNX Runtime (through DJL's OnnxRuntime engine) reproduces the DJL
 * PyTorch-engine inference forward on random inputs, with random batch-norm statistics.
 */
class OnnxParityTest {

  private static final Logger LOG = LoggerFactory.getLogger(OnnxParityTest.class);
  private static final double TOLERANCE = 1e-4;

  private static NDManager manager;

  @TempDir Path dir;

  @BeforeAll
  static void engines() {
    // DJL's OnnxRuntime engine must own the OrtEnvironment: initialise it first.
    Engine.getEngine("OnnxRuntime");
    manager = Networks.pytorchManager();
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  @ParameterizedTest
  @EnumSource(Preset.class)
  void dynamicGraphMatchesPyTorchForTwoBatchSizesAndFrameCounts(Preset preset) throws Exception {
    AvLocalizerConfig config = preset.config();
    AvLocalizer net = network(config, 11);
    Path file = dir.resolve(preset.name().toLowerCase() + "-dynamic.onnx");
    OnnxExporter.write(net, OnnxSignature.dynamic(), file);

    try (ZooModel<NDList, NDList> model = load(file);
        Predictor<NDList, NDList> predictor = model.newPredictor()) {
      compare(preset + " dynamic N=1", net, predictor, Networks.randomInputs(manager, config, 1));
      compare(preset + " dynamic N=3", net, predictor, Networks.randomInputs(manager, config, 3));
      compare(
          preset + " dynamic N=2 T=150",
          net,
          predictor,
          Networks.randomInputs(manager, config, 2, 150));
    }
  }

  @ParameterizedTest
  @EnumSource(Preset.class)
  void fixedGraphsMatchPyTorch(Preset preset) throws Exception {
    AvLocalizerConfig config = preset.config();
    AvLocalizer net = network(config, 12);
    for (int batch : new int[] {1, 8}) {
      Path file = dir.resolve(preset.name().toLowerCase() + "-fixed" + batch + ".onnx");
      OnnxExporter.write(net, OnnxSignature.fixed(batch, config.frames()), file);
      try (ZooModel<NDList, NDList> model = load(file);
          Predictor<NDList, NDList> predictor = model.newPredictor()) {
        compare(
            preset + " fixed N=" + batch,
            net,
            predictor,
            Networks.randomInputs(manager, config, batch));
      }
    }
  }

  @Test
  void aDetectorHeadWithTheAudioBatchNormMatchesPyTorch() throws Exception {
    AvLocalizerConfig config = Preset.LITE.config();
    Engine.getEngine("PyTorch").setRandomSeed(13);
    DetectorHeadLocalizer head = new DetectorHeadLocalizer(config, 256, true, true, true);
    head.initialize(manager, DataType.FLOAT32, head.inputShapes(1, 6, 6));
    Networks.randomizeBatchNorms(head, manager);
    assertThat(head.audioBatchNorm()).isNotNull();
    Path file = dir.resolve("head-audiobn.onnx");
    try (OutputStream out = Files.newOutputStream(file)) {
      OnnxExporter.export(head, OnnxSignature.dynamic(), 6, 6).writeTo(out);
    }
    try (ZooModel<NDList, NDList> model = load(file);
        Predictor<NDList, NDList> predictor = model.newPredictor()) {
      for (int n : new int[] {1, 3}) {
        NDArray features = manager.randomUniform(0, 2, new Shape(n, 256, 6, 6));
        features.setName("features");
        NDArray spec = manager.randomNormal(config.spectrogramShape(n));
        spec.setName("spectrogram");
        NDList expected =
            head.forward(new ParameterStore(manager, false), new NDList(features, spec), false);
        compare(
            "detector head, audio batch norm, N=" + n,
            expected,
            predictor,
            new NDList(features, spec));
      }
    }
  }

  private static AvLocalizer network(AvLocalizerConfig config, int seed) {
    AvLocalizer net = Networks.initialized(config, manager, seed);
    Networks.randomizeBatchNorms(net, manager);
    return net;
  }

  private static ZooModel<NDList, NDList> load(Path file) throws Exception {
    return Criteria.builder()
        .setTypes(NDList.class, NDList.class)
        .optModelPath(file)
        .optEngine("OnnxRuntime")
        .optTranslator(new NoopTranslator())
        .build()
        .loadModel();
  }

  private static void compare(
      String what, AvLocalizer net, Predictor<NDList, NDList> predictor, NDList inputs)
      throws Exception {
    compare(what, Networks.infer(net, manager, inputs), predictor, inputs);
  }

  private static void compare(
      String what, NDList expected, Predictor<NDList, NDList> predictor, NDList inputs)
      throws Exception {
    NDList actual = predictor.predict(inputs);
    assertThat(actual).hasSize(AvLocalizer.OUTPUT_NAMES.size());
    StringBuilder report = new StringBuilder(what).append(": max |ORT − PyTorch|");
    for (int i = 0; i < expected.size(); i++) {
      NDArray e = expected.get(i);
      NDArray a = actual.get(i);
      String name = AvLocalizer.OUTPUT_NAMES.get(i);
      assertThat(a.getShape()).as(name).isEqualTo(e.getShape());
      float[] ev = e.toFloatArray();
      float[] av = a.toFloatArray();
      double max = 0;
      for (int k = 0; k < ev.length; k++) {
        max = Math.max(max, Math.abs(ev[k] - av[k]));
      }
      report.append(String.format(" %s %.2e", name, max));
      assertThat(max).as(what + " " + name).isLessThanOrEqualTo(TOLERANCE);
    }
    LOG.info("{}", report);
  }
}
