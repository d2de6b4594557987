package io.avloc.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageNetWeightsTest {

  private static final int[] PAPER = {64, 128, 256, 512};

  private static NDManager manager;

  @TempDir Path dir;

  @BeforeAll
  static void setUp() {
    manager = Networks.pytorchManager();
  }

  @AfterAll
  static void tearDown() {
    manager.close();
  }

  private static ResNet18Trunk visualTrunk(int[] widths) {
    AvLocalizerConfig c = Preset.PAPER.config();
    AvLocalizerConfig config =
        new AvLocalizerConfig(
            "test",
            64,
            List.of(widths[0], widths[1], widths[2], widths[3]),
            c.audioWidths(),
            8,
            c.tau(),
            0f,
            c.frequencyBins(),
            c.frames());
    return Networks.initialized(config, manager, 1).visualTrunk();
  }

  /** A raw torchvision-style state_dict dump with random values, fc and counters included. */
  private NDList stateDict(Map<String, Shape> layout) {
    NDList arrays = new NDList();
    for (Map.Entry<String, Shape> e : layout.entrySet()) {
      NDArray a =
          e.getKey().endsWith("num_batches_tracked")
              ? manager.create(1234L)
              : manager.randomNormal(0, 1, e.getValue(), DataType.FLOAT32);
      a.setName(e.getKey());
      arrays.add(a);
    }
    return arrays;
  }

  private Path writeNpz(NDList arrays) throws Exception {
    Path file = dir.resolve("weights.npz");
    try (OutputStream out = Files.newOutputStream(file)) {
      arrays.encode(out, NDList.Encoding.NPZ);
    }
    return file;
  }

  @Test
  void loadsEveryTensorOfATorchvisionStateDictNpzAndIgnoresFcAndCounters() throws Exception {
    ResNet18Trunk trunk = visualTrunk(PAPER);
    NDList file = stateDict(TorchvisionResNet18.stateDict(3, PAPER, true));

    ImageNetWeights.load(trunk, writeNpz(file));

    Map<String, Parameter> params = trunk.torchvisionParameters();
    assertThat(params).hasSize(100);
    for (Map.Entry<String, Parameter> e : params.entrySet()) {
      assertThat(e.getValue().getArray().toFloatArray())
          .as(e.getKey())
          .isEqualTo(file.get(e.getKey()).toFloatArray());
    }
  }

  @Test
  void loadedWeightsSurviveATrainersInitialisation() throws Exception {
    AvLocalizerConfig lite = Preset.LITE.config();
    AvLocalizer net = Networks.initialized(lite, manager, 1);
    int[] widths = lite.visualWidths().stream().mapToInt(Integer::intValue).toArray();
    NDList file = stateDict(TorchvisionResNet18.stateDict(3, widths, false));
    ImageNetWeights.load(net.visualTrunk(), writeNpz(file));

    try (Model model = Model.newInstance("avloc", "PyTorch")) {
      model.setBlock(net);
      try (Trainer trainer = model.newTrainer(new DefaultTrainingConfig(Loss.l2Loss()))) {
        trainer.initialize(lite.inputShapes(2));
      }
    }

    Parameter stem = net.visualTrunk().torchvisionParameters().get("conv1.weight");
    assertThat(stem.getArray().toFloatArray()).isEqualTo(file.get("conv1.weight").toFloatArray());
  }

  @Test
  void loadsAnNpzWrittenByNumpySavez() throws Exception {
    // Written by src/test/resources/model/make_tiny_resnet18_npz.py: tensor k holds k + i/size.
    Path npz = Path.of(getClass().getResource("/model/tiny_resnet18.npz").toURI());
    int[] widths = {4, 8, 8, 16};
    ResNet18Trunk trunk = visualTrunk(widths);

    ImageNetWeights.load(trunk, npz);

    List<String> order = List.copyOf(TorchvisionResNet18.stateDict(3, widths, true).keySet());
    for (Map.Entry<String, Parameter> e : trunk.torchvisionParameters().entrySet()) {
      int k = order.indexOf(e.getKey());
      float[] values = e.getValue().getArray().toFloatArray();
      assertThat(values[0]).as(e.getKey()).isEqualTo((float) k);
      assertThat(values[values.length - 1])
          .as(e.getKey())
          .isEqualTo(k + (float) (values.length - 1) / values.length);
    }
  }

  @Test
  void namesEveryMissingTensor() throws Exception {
    ResNet18Trunk trunk = visualTrunk(PAPER);
    NDList file = stateDict(TorchvisionResNet18.stateDict(3, PAPER, false));
    file.removeIf(
        a -> a.getName().equals("layer3.1.bn2.running_var") || a.getName().equals("conv1.weight"));

    assertThatThrownBy(() -> ImageNetWeights.load(trunk, writeNpz(file)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("weights.npz")
        .hasMessageContaining("missing: conv1.weight, layer3.1.bn2.running_var")
        .hasMessageNotContaining("unexpected")
        .hasMessageNotContaining("wrong shape");
  }

  @Test
  void namesEveryUnexpectedTensor() throws Exception {
    ResNet18Trunk trunk = visualTrunk(PAPER);
    NDList file = stateDict(TorchvisionResNet18.stateDict(3, PAPER, false));
    NDArray extra = manager.zeros(new Shape(3));
    extra.setName("layer5.0.conv1.weight");
    file.add(extra);

    assertThatThrownBy(() -> ImageNetWeights.load(trunk, writeNpz(file)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unexpected: layer5.0.conv1.weight")
        .hasMessageNotContaining("missing");
  }

  @Test
  void namesEveryMisShapedTensorWithBothShapesAndCopiesNothing() throws Exception {
    ResNet18Trunk trunk = visualTrunk(PAPER);
    float[] before = trunk.torchvisionParameters().get("bn1.weight").getArray().toFloatArray();
    // A file for a 1-channel stem and a half-width stage 4.
    NDList file = stateDict(TorchvisionResNet18.stateDict(1, new int[] {64, 128, 256, 256}, false));

    assertThatThrownBy(() -> ImageNetWeights.load(trunk, writeNpz(file)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("conv1.weight is (64, 1, 7, 7), the trunk needs (64, 3, 7, 7)")
        .hasMessageContaining(
            "layer4.1.conv2.weight is (256, 256, 3, 3), the trunk needs (512, 512, 3, 3)");
    assertThat(trunk.torchvisionParameters().get("bn1.weight").getArray().toFloatArray())
        .isEqualTo(before);
  }

  @Test
  void refusesAnUninitialisedTrunk() {
    ResNet18Trunk trunk = new ResNet18Trunk(3, List.of(64, 128, 256, 512));

    assertThatThrownBy(() -> ImageNetWeights.load(trunk, dir.resolve("absent.npz")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("initialize the trunk");
  }
}
