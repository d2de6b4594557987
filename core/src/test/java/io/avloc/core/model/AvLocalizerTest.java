package io.avloc.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class AvLocalizerTest {

  private static NDManager manager;
  private static AvLocalizer lite;

  @BeforeAll
  static void setUp() {
    manager = Networks.pytorchManager();
    lite = Networks.initialized(Preset.LITE.config(), manager, 7);
    Networks.randomizeBatchNorms(lite, manager);
  }

  @AfterAll
  static void tearDown() {
    manager.close();
  }

  @ParameterizedTest
  @EnumSource(Preset.class)
  void outputsAreSimmapAudioEmbeddingAndVisualMapWithThePresetsShapes(Preset preset) {
    AvLocalizerConfig c = preset.config();
    AvLocalizer net = Networks.initialized(c, manager, 1);
    NDList out = Networks.infer(net, manager, Networks.randomInputs(manager, c, 2));

    int h = c.imageSize() / 32;
    Shape[] expected = {
      new Shape(2, h, h), new Shape(2, c.embeddingDim()), new Shape(2, c.embeddingDim(), h, h)
    };
    assertThat(out.getShapes()).containsExactly(expected);
    assertThat(net.getOutputShapes(c.inputShapes(2))).containsExactly(expected);
    assertThat(out.stream().map(NDArray::getName))
        .containsExactlyElementsOf(AvLocalizer.OUTPUT_NAMES);
  }

  @Test
  void presetsHaveTheDocumentedSizes() {
    AvLocalizerConfig paper = Preset.PAPER.config();
    assertThat(paper.imageSize()).isEqualTo(224);
    assertThat(paper.mapSize()).isEqualTo(7);
    assertThat(paper.visualWidths()).containsExactly(64, 128, 256, 512);
    assertThat(paper.audioWidths()).containsExactly(64, 128, 256, 512);
    assertThat(paper.embeddingDim()).isEqualTo(512);
    AvLocalizerConfig lite = Preset.LITE.config();
    assertThat(lite.imageSize()).isEqualTo(160);
    assertThat(lite.mapSize()).isEqualTo(5);
    assertThat(lite.visualWidths()).containsExactly(16, 32, 64, 128);
    assertThat(lite.audioWidths()).containsExactly(16, 32, 64, 128);
    assertThat(lite.embeddingDim()).isEqualTo(128);
    assertThat(lite.spectrogramShape(1)).isEqualTo(new Shape(1, 1, 257, 200));
    assertThat(lite.tau()).isEqualTo(0.03f);
    assertThat(paper.tau()).isEqualTo(0.03f);
    assertThat(paper.spectrogramShape(1)).isEqualTo(new Shape(1, 1, 257, 200));
    assertThat(Preset.of(" Lite ")).isEqualTo(Preset.LITE);
    assertThatThrownBy(() -> Preset.of("huge")).hasMessageContaining("PAPER, LITE");
  }

  @Test
  void audioEmbeddingAndEveryVisualMapPositionHaveUnitNorm() {
    NDList out = Networks.infer(lite, manager, Networks.randomInputs(manager, lite.config(), 3));
    float[] audioNorms = out.get(AvLocalizer.AUDIO_EMB).norm(new int[] {1}).toFloatArray();
    float[] visualNorms = out.get(AvLocalizer.VISUAL_MAP).norm(new int[] {1}).toFloatArray();

    assertThat(audioNorms).hasSize(3);
    assertThat(visualNorms).hasSize(3 * 25);
    assertThat(maxDistanceFromOne(audioNorms)).isLessThan(1e-5);
    assertThat(maxDistanceFromOne(visualNorms)).isLessThan(1e-5);
  }

  private static double maxDistanceFromOne(float[] values) {
    double max = 0;
    for (float v : values) {
      max = Math.max(max, Math.abs(v - 1.0));
    }
    return max;
  }

  @Test
  void simmapIsTheOwnPairDotProductOfVisualMapAndAudioEmbedding() {
    NDList out = Networks.infer(lite, manager, Networks.randomInputs(manager, lite.config(), 3));
    int d = lite.config().embeddingDim();
    int p = 25;
    float[] v = out.get(AvLocalizer.VISUAL_MAP).toFloatArray();
    float[] a = out.get(AvLocalizer.AUDIO_EMB).toFloatArray();
    float[] s = out.get(AvLocalizer.SIMMAP).toFloatArray();

    for (int i = 0; i < 3; i++) {
      for (int pos = 0; pos < p; pos++) {
        double dot = 0;
        for (int c = 0; c < d; c++) {
          dot += (double) v[(i * d + c) * p + pos] * a[i * d + c];
        }
        assertThat((double) s[i * p + pos]).isCloseTo(dot, within(1e-5));
        assertThat(Math.abs(dot)).isLessThanOrEqualTo(1 + 1e-5);
      }
    }
  }

  @Test
  void crossSimilarityPairsEveryImageWithEveryAudioAndItsDiagonalIsTheSimmap() {
    NDList out = Networks.infer(lite, manager, Networks.randomInputs(manager, lite.config(), 3));
    NDArray cross =
        AvLocalizer.crossSimilarity(
            out.get(AvLocalizer.VISUAL_MAP), out.get(AvLocalizer.AUDIO_EMB));
    int d = lite.config().embeddingDim();
    int p = 25;
    float[] v = out.get(AvLocalizer.VISUAL_MAP).toFloatArray();
    float[] a = out.get(AvLocalizer.AUDIO_EMB).toFloatArray();
    float[] s = cross.toFloatArray();
    float[] own = out.get(AvLocalizer.SIMMAP).toFloatArray();

    assertThat(cross.getShape()).isEqualTo(new Shape(3, 3, 5, 5));
    for (int n = 0; n < 3; n++) {
      for (int m = 0; m < 3; m++) {
        for (int pos = 0; pos < p; pos++) {
          double dot = 0;
          for (int c = 0; c < d; c++) {
            dot += (double) v[(n * d + c) * p + pos] * a[m * d + c];
          }
          float got = s[(n * 3 + m) * p + pos];
          assertThat((double) got).isCloseTo(dot, within(1e-5));
          if (n == m) {
            assertThat(got).isCloseTo(own[n * p + pos], within(1e-6f));
          }
        }
      }
    }
  }

  @Test
  void visualDropoutChangesTheForwardOnlyInTraining() {
    AvLocalizerConfig plain = Preset.LITE.config();
    AvLocalizer withoutDropout = Networks.initialized(plain, manager, 3);
    AvLocalizer withDropout = Networks.initialized(plain.withVisualDropout(0.9f), manager, 3);
    NDList inputs = Networks.randomInputs(manager, plain, 4);

    NDArray evalPlain = Networks.infer(withoutDropout, manager, inputs).get(AvLocalizer.VISUAL_MAP);
    NDArray evalDrop = Networks.infer(withDropout, manager, inputs).get(AvLocalizer.VISUAL_MAP);
    assertThat(evalDrop.toFloatArray()).isEqualTo(evalPlain.toFloatArray());

    NDArray train1 = Networks.train(withDropout, manager, inputs).get(AvLocalizer.VISUAL_MAP);
    NDArray train2 = Networks.train(withDropout, manager, inputs).get(AvLocalizer.VISUAL_MAP);
    assertThat(train1.toFloatArray()).isNotEqualTo(train2.toFloatArray());

    NDArray trainPlain1 =
        Networks.train(withoutDropout, manager, inputs).get(AvLocalizer.VISUAL_MAP);
    NDArray trainPlain2 =
        Networks.train(withoutDropout, manager, inputs).get(AvLocalizer.VISUAL_MAP);
    assertThat(trainPlain1.toFloatArray()).isEqualTo(trainPlain2.toFloatArray());
  }

  @Test
  void visualDropoutZeroesElementsWithInvertedScalingInTrainingOnly() {
    AvLocalizer net = new AvLocalizer(Preset.LITE.config().withVisualDropout(0.9f));
    NDArray ones = manager.ones(new Shape(4, 256, 5, 5));
    ParameterStore ps = new ParameterStore(manager, false);

    float[] trained = net.visualDropout().forward(ps, new NDList(ones), true).head().toFloatArray();
    float[] inferred =
        net.visualDropout().forward(ps, new NDList(ones), false).head().toFloatArray();

    long zeros = 0;
    for (float x : trained) {
      assertThat(x)
          .satisfiesAnyOf(
              z -> assertThat(z).isZero(), z -> assertThat(z).isCloseTo(10f, within(1e-4f)));
      zeros += x == 0 ? 1 : 0;
    }
    assertThat((double) zeros / trained.length).isCloseTo(0.9, within(0.02));
    assertThat(inferred).containsOnly(1f);
  }

  @Test
  void parametersRoundTripThroughADjlParamsFile(@TempDir Path dir) throws Exception {
    NDList inputs = Networks.randomInputs(manager, lite.config(), 2);
    NDList before = Networks.infer(lite, manager, inputs);
    try (Model model = Model.newInstance("avloc", "PyTorch")) {
      model.setBlock(lite);
      model.save(dir, "avloc");
    }

    AvLocalizer restored = Networks.initialized(lite.config(), manager, 99);
    try (Model model = Model.newInstance("avloc", "PyTorch")) {
      model.setBlock(restored);
      model.load(dir, "avloc");
      List<String> names = lite.getParameters().keys();
      List<Parameter> saved = lite.getParameters().values();
      List<Parameter> loaded = restored.getParameters().values();
      assertThat(restored.getParameters().keys()).isEqualTo(names);
      for (int i = 0; i < saved.size(); i++) {
        assertThat(loaded.get(i).getArray().toFloatArray())
            .as(names.get(i))
            .isEqualTo(saved.get(i).getArray().toFloatArray());
      }
      NDList after = Networks.infer(restored, model.getNDManager(), inputs);
      for (int i = 0; i < before.size(); i++) {
        assertThat(after.get(i).toFloatArray()).isEqualTo(before.get(i).toFloatArray());
      }
    }
  }

  @Test
  void configurationsRejectSizesTheLayoutCannotHave() {
    AvLocalizerConfig c = Preset.LITE.config();
    assertThatThrownBy(
            () ->
                new AvLocalizerConfig(
                    "x", 100, c.visualWidths(), c.audioWidths(), 128, 0.03f, 0f, 257, 200))
        .hasMessageContaining("multiple of 32");
    assertThatThrownBy(
            () ->
                new AvLocalizerConfig(
                    "x", 160, List.of(8, 16, 32), c.audioWidths(), 128, 0.03f, 0f, 257, 200))
        .hasMessageContaining("four positive stage widths");
    assertThatThrownBy(() -> c.withVisualDropout(1f)).hasMessageContaining("[0, 1)");
  }
}
