package io.avloc.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ResNet18TrunkTest {

  private static final List<Integer> PAPER_WIDTHS = List.of(64, 128, 256, 512);

  private static NDManager manager;

  @BeforeAll
  static void setUp() {
    manager = Networks.pytorchManager();
  }

  @AfterAll
  static void tearDown() {
    manager.close();
  }

  private static ResNet18Trunk initialized(int inChannels, List<Integer> widths, Shape input) {
    ResNet18Trunk trunk = new ResNet18Trunk(inChannels, widths);
    PaperInit.apply(trunk);
    trunk.initialize(manager, DataType.FLOAT32, input);
    return trunk;
  }

  @Test
  void paperVisualTrunkHasTheParameterCountOfTorchvisionResNet18WithoutFc() {
    ResNet18Trunk trunk = initialized(3, PAPER_WIDTHS, new Shape(1, 3, 224, 224));

    assertThat(AvLocalizer.trainableParameterCount(trunk.getParameters().values()))
        .isEqualTo(11_176_512L);
  }

  @Test
  void parameterNamesShapesAndOrderFollowTorchvisionStateDict() {
    ResNet18Trunk trunk = initialized(3, PAPER_WIDTHS, new Shape(1, 3, 224, 224));
    Map<String, Shape> ours = new LinkedHashMap<>();
    trunk.torchvisionParameters().forEach((name, p) -> ours.put(name, p.getShape()));

    Map<String, Shape> torchvision = new LinkedHashMap<>();
    TorchvisionResNet18.stateDict(3, new int[] {64, 128, 256, 512}, false)
        .forEach(
            (name, shape) -> {
              if (!name.endsWith("num_batches_tracked")) {
                torchvision.put(name, shape);
              }
            });
    assertThat(ours).containsExactlyEntriesOf(torchvision);
    assertThat(ours).hasSize(100);
    assertThat(ours.get("conv1.weight")).isEqualTo(new Shape(64, 3, 7, 7));
    assertThat(ours.get("layer2.0.downsample.0.weight")).isEqualTo(new Shape(128, 64, 1, 1));
    assertThat(ours.get("layer4.1.bn2.running_var")).isEqualTo(new Shape(512));
    assertThat(ours).doesNotContainKey("layer1.0.downsample.0.weight");
  }

  @Test
  void batchNormStatisticsAreNotTrainableButScaleAndShiftAre() {
    ResNet18Trunk trunk = initialized(3, List.of(8, 8, 8, 8), new Shape(1, 3, 64, 64));
    Map<String, Parameter> p = trunk.torchvisionParameters();

    assertThat(p.get("bn1.weight").requiresGradient()).isTrue();
    assertThat(p.get("bn1.bias").requiresGradient()).isTrue();
    assertThat(p.get("bn1.running_mean").requiresGradient()).isFalse();
    assertThat(p.get("bn1.running_var").requiresGradient()).isFalse();
  }

  @Test
  void audioTrunkHasAOneChannelStemAndMapsA257By200SpectrogramTo9By7() {
    Shape input = new Shape(2, 1, 257, 200);
    ResNet18Trunk trunk = initialized(1, PAPER_WIDTHS, input);
    NDArray out =
        trunk
            .forward(
                new ParameterStore(manager, false), new NDList(manager.randomNormal(input)), false)
            .singletonOrThrow();

    assertThat(trunk.torchvisionParameters().get("conv1.weight").getShape())
        .isEqualTo(new Shape(64, 1, 7, 7));
    assertThat(out.getShape()).isEqualTo(new Shape(2, 512, 9, 7));
    assertThat(trunk.getOutputShapes(new Shape[] {input})[0]).isEqualTo(out.getShape());
  }

  @Test
  void visualTrunkOutputIsOneThirtySecondOfTheImage() {
    Shape input = new Shape(1, 3, 224, 224);
    ResNet18Trunk trunk = initialized(3, PAPER_WIDTHS, input);
    NDArray out =
        trunk
            .forward(
                new ParameterStore(manager, false), new NDList(manager.randomNormal(input)), false)
            .singletonOrThrow();

    assertThat(out.getShape()).isEqualTo(new Shape(1, 512, 7, 7));
    assertThat(ResNet18Trunk.outputSize(160)).isEqualTo(5);
    assertThat(ResNet18Trunk.outputSize(224)).isEqualTo(7);
    assertThat(ResNet18Trunk.outputSize(257)).isEqualTo(9);
    assertThat(ResNet18Trunk.outputSize(200)).isEqualTo(7);
  }

  @Test
  void layersAreTheStemThenEightBasicBlocksWithStridedDownsamplingInStagesTwoToFour() {
    ResNet18Trunk trunk = new ResNet18Trunk(3, PAPER_WIDTHS);

    assertThat(trunk.layers().subList(0, 4))
        .extracting(b -> b.getClass().getSimpleName())
        .containsExactly("Conv2d", "BatchNorm2d", "Relu", "MaxPool2d");
    assertThat(trunk.blocks()).hasSize(8);
    assertThat(trunk.blocks())
        .extracting(BasicBlock::stride)
        .containsExactly(1, 1, 2, 1, 2, 1, 2, 1);
    assertThat(trunk.blocks())
        .extracting(b -> b.downsampleConv().isPresent())
        .containsExactly(false, false, true, false, true, false, true, false);
    assertThat(trunk.conv1().getStride()).isEqualTo(new Shape(2, 2));
    assertThat(trunk.conv1().getPadding()).isEqualTo(new Shape(3, 3));
    assertThat(trunk.conv1().isIncludeBias()).isFalse();
  }
}
