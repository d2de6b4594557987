package io.avloc.core.artifact;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoopTranslator;
import io.avloc.core.model.AvLocalizer;
import io.avloc.core.model.Networks;
import io.avloc.core.model.Preset;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelExporterTest {

  private static NDManager manager;
  private static AvLocalizer lite;

  @TempDir Path tmp;

  @BeforeAll
  static void network() {
    Engine.getEngine("OnnxRuntime");
    manager = Networks.pytorchManager();
    lite = Networks.initialized(Preset.LITE.config(), manager, 5);
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  @Test
  void anExportedNetworkIsAVerifiedArtifactWithDynamicAndFixedGraphs() throws Exception {
    Path dir = tmp.resolve("lite-random");
    ModelExporter.export(lite, ModelExporter.Description.untrained("lite-random", "0", 5), dir);

    ModelArtifact artifact = ModelArtifact.load(dir);
    ModelManifest m = artifact.manifest();

    assertThat(m.id()).isEqualTo("lite-random@0");
    assertThat(m.method()).isEqualTo("random");
    assertThat(m.preset()).isEqualTo("lite");
    assertThat(m.files())
        .containsOnlyKeys("model.onnx", "model.params", "model-b1.onnx", "model-b8.onnx");
    assertThat(m.inputs().get("image"))
        .isEqualTo(TensorSpec.of("N", 3, lite.config().imageSize(), lite.config().imageSize()));
    int h = lite.config().mapSize();
    assertThat(m.outputs().get("simmap")).isEqualTo(TensorSpec.of("N", h, h));
    assertThat(m.network()).containsEntry("embeddingDim", lite.config().embeddingDim());
    assertThat(m.preprocessing()).isEqualTo(Preprocessing.standard(lite.config().imageSize()));
    assertThat(m.deviations()).containsAll(ModelExporter.STANDARD_DEVIATIONS);
    try (var entries = Files.list(dir)) {
      assertThat(entries.map(p -> p.getFileName().toString()))
          .as("no staging leftovers")
          .containsExactlyInAnyOrder(
              "manifest.json", "model.onnx", "model.params", "model-b1.onnx", "model-b8.onnx");
    }
  }

  @Test
  void theExportedGraphAndParamsReproduceTheNetwork() throws Exception {
    Path dir = tmp.resolve("m");
    ModelArtifact artifact =
        ModelExporter.export(lite, ModelExporter.Description.untrained("m", "1", 5), dir);
    NDList inputs = Networks.randomInputs(manager, lite.config(), 2);
    float[] expected = Networks.infer(lite, manager, inputs).get(AvLocalizer.SIMMAP).toFloatArray();

    // The ONNX graph, through ONNX Runtime.
    Criteria<NDList, NDList> criteria =
        Criteria.builder()
            .setTypes(NDList.class, NDList.class)
            .optModelPath(artifact.onnx())
            .optEngine("OnnxRuntime")
            .optTranslator(new NoopTranslator())
            .build();
    try (ZooModel<NDList, NDList> model = criteria.loadModel();
        Predictor<NDList, NDList> predictor = model.newPredictor();
        NDManager ort = model.getNDManager().newSubManager()) {
      NDList onnxInputs =
          new NDList(
              ort.create(inputs.get(0).toFloatArray(), inputs.get(0).getShape()),
              ort.create(inputs.get(1).toFloatArray(), inputs.get(1).getShape()));
      onnxInputs.get(0).setName("image");
      onnxInputs.get(1).setName("spectrogram");
      float[] actual = predictor.predict(onnxInputs).get(0).toFloatArray();
      assertThat(maxAbsDiff(actual, expected)).isLessThan(1e-4);
    }

    // The parameters, loaded by DJL from model.params into a differently seeded network.
    AvLocalizer restored = Networks.initialized(lite.config(), manager, 77);
    try (Model model = Model.newInstance("model", "PyTorch")) {
      model.setBlock(restored);
      artifact.loadParameters(model);
      float[] reloaded =
          Networks.infer(restored, manager, inputs).get(AvLocalizer.SIMMAP).toFloatArray();
      assertThat(reloaded).containsExactly(expected);
    }
  }

  private static double maxAbsDiff(float[] a, float[] b) {
    assertThat(a).hasSameSizeAs(b);
    double max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs(a[i] - b[i]));
    }
    return max;
  }
}
