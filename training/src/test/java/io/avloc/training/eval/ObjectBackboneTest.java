package io.avloc.training.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import io.avloc.core.heatmap.HeatmapUpsampler;
import io.avloc.core.heatmap.MinMax;
import io.avloc.core.heatmap.ObjectGuidedLocalization;
import io.avloc.core.heatmap.Upsampling;
import io.avloc.core.image.ImageDecoder;
import io.avloc.core.image.ImagePreprocessor;
import io.avloc.core.metrics.NormalizedBox;
import io.avloc.core.model.Preset;
import io.avloc.core.model.ResNet18Trunk;
import io.avloc.training.data.Sample;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The OGL path: a ResNet-18 with (random) torchvision-named weights, run on real frames. */
class ObjectBackboneTest {

  private static final NormalizedBox BOX = new NormalizedBox(0.1, 0.2, 0.6, 0.9);

  @TempDir static Path shared;
  private static Path weights;
  private static ObjectBackbone backbone;

  @TempDir Path dir;

  /** Writes a torchvision-style state_dict of a seeded random ResNet-18 as .npz. */
  @BeforeAll
  static void writeWeights() throws Exception {
    weights = shared.resolve("resnet18.npz");
    Engine torch = Engine.getEngine("PyTorch");
    torch.setRandomSeed(7);
    try (NDManager manager = torch.newBaseManager()) {
      ResNet18Trunk trunk = new ResNet18Trunk(3, Preset.PAPER.config().visualWidths());
      trunk.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 224, 224));
      NDList arrays = new NDList();
      for (Map.Entry<String, Parameter> e : trunk.torchvisionParameters().entrySet()) {
        NDArray a = e.getValue().getArray().duplicate();
        a.setName(e.getKey());
        arrays.add(a);
      }
      try (OutputStream out = Files.newOutputStream(weights)) {
        arrays.encode(out, NDList.Encoding.NPZ);
      }
    }
    backbone = ObjectBackbone.load(weights);
  }

  @AfterAll
  static void close() {
    backbone.close();
  }

  @Test
  void featuresAreTheLayer4MapOfA224Image() {
    assertThat(backbone.channels()).isEqualTo(512);
    assertThat(backbone.mapSize()).isEqualTo(7);
    float[] features = backbone.features(new float[2 * 3 * 224 * 224], 2);
    assertThat(features).hasSize(2 * 512 * 7 * 7);
  }

  @Test
  void theObjectMapComesFromTheFrozenNetworkOnThe224ImageWhateverTheNetworksSize()
      throws Exception {
    Sample clip = TestClips.clip(dir, "c", BOX, 300, 200, List.of(BOX));
    float[] image224 = new ImagePreprocessor(224).preprocess(ImageDecoder.decode(clip.image()));
    double[] expectedObj =
        ObjectGuidedLocalization.objectMap(backbone.features(image224, 1), 512, 7, 7, 224, 224);
    float[] raw = {0.2f, -0.1f, 0.4f, 0.8f, 0.0f, 0.3f, -0.5f, 0.1f, 0.6f};
    MapPredictor lite160 =
        (images, spectrograms, n, frames) -> {
          assertThat(images).hasSize(n * 3 * 160 * 160);
          return new MapPredictor.Prediction(n, 3, 3, raw.clone());
        };

    Path objMaps = dir.resolve("obj");
    Evaluation.Options base = Evaluation.Options.defaults(160);
    new Evaluation(lite160, backbone, base.withMap(MapKind.OBJ).withMaps(objMaps))
        .run(List.of(clip), null);
    assertClose(MapFile.read(objMaps.resolve("c.f32")), expectedObj);

    Path mixMaps = dir.resolve("mix");
    EvalReport mixed =
        new Evaluation(
                lite160, backbone, base.withMap(MapKind.AV_OBJ).withAlpha(0.3).withMaps(mixMaps))
            .run(List.of(clip), null);
    double[] av =
        MinMax.normalize(
            HeatmapUpsampler.upsample(raw, 3, 3, 224, 224, Upsampling.BILINEAR_ALIGN_CORNERS));
    assertClose(
        MapFile.read(mixMaps.resolve("c.f32")), ObjectGuidedLocalization.mix(av, expectedObj, 0.3));
    assertThat(mixed.map()).isEqualTo("av+obj");
    assertThat(mixed.alpha()).isEqualTo(0.3);
  }

  @Test
  void aMissingWeightsFileSaysHowToMakeOne() {
    assertThatThrownBy(() -> ObjectBackbone.load(dir.resolve("nope.npz")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nope.npz not found")
        .hasMessageContaining("tools/export_torchvision_resnet18.py");
  }

  @Test
  void weightsThatDoNotFitResNet18AreRefused() throws Exception {
    Path bad = dir.resolve("bad.npz");
    try (NDManager m = Engine.getEngine("PyTorch").newBaseManager();
        OutputStream out = Files.newOutputStream(bad)) {
      NDArray a = m.zeros(new Shape(3));
      a.setName("conv1.weight");
      new NDList(a).encode(out, NDList.Encoding.NPZ);
    }
    assertThatThrownBy(() -> ObjectBackbone.load(bad))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("do not fit the trunk")
        .hasMessageContaining("missing");
  }

  private static void assertClose(float[] actual, double[] expected) {
    assertThat(actual).hasSize(expected.length);
    for (int i = 0; i < actual.length; i++) {
      assertThat((double) actual[i]).as("pixel %d", i).isCloseTo(expected[i], within(1e-5));
    }
  }
}
