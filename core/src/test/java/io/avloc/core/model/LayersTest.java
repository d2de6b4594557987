package io.avloc.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The small layer blocks behave as their PyTorch namesakes. */
class LayersTest {

  private static NDManager manager;

  @BeforeAll
  static void setUp() {
    manager = Networks.pytorchManager();
  }

  @AfterAll
  static void tearDown() {
    manager.close();
  }

  private static NDArray run(Block block, NDArray x, boolean training) {
    block.initialize(manager, DataType.FLOAT32, x.getShape());
    return block.forward(new ParameterStore(manager, false), new NDList(x), training).head();
  }

  @Test
  void batchNormTrainsOnBatchStatisticsAndMovesRunningStatisticsByOneTenth() {
    BatchNorm2d bn = new BatchNorm2d(2);
    PaperInit.apply(bn);
    // Channel 0: values 1..4 (mean 2.5, biased var 1.25, unbiased 5/3); channel 1: all 7.
    NDArray x = manager.create(new float[] {1, 2, 3, 4, 7, 7, 7, 7}, new Shape(1, 2, 2, 2));
    bn.gamma().setInitializer(Initializer.ONES);

    float[] y = run(bn, x, true).toFloatArray();

    double s = Math.sqrt(1.25 + 1e-5);
    assertThat(y[0]).isCloseTo((float) ((1 - 2.5) / s), within(1e-5f));
    assertThat(y[3]).isCloseTo((float) ((4 - 2.5) / s), within(1e-5f));
    assertThat(y[4]).isCloseTo(0f, within(1e-5f));
    assertThat(bn.runningMean().getArray().toFloatArray()[0]).isCloseTo(0.25f, within(1e-6f));
    assertThat(bn.runningMean().getArray().toFloatArray()[1]).isCloseTo(0.7f, within(1e-6f));
    assertThat(bn.runningVar().getArray().toFloatArray()[0])
        .isCloseTo((float) (0.9 + 0.1 * 5.0 / 3), within(1e-6f));
  }

  @Test
  void batchNormInInferenceUsesRunningStatisticsAndEpsilon() {
    BatchNorm2d bn = new BatchNorm2d(1);
    PaperInit.apply(bn);
    bn.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 1, 1));
    bn.gamma().getArray().set(new float[] {2f});
    bn.beta().getArray().set(new float[] {0.5f});
    bn.runningMean().getArray().set(new float[] {1f});
    bn.runningVar().getArray().set(new float[] {4f});

    float y =
        bn.forward(
                new ParameterStore(manager, false),
                new NDList(manager.create(new float[] {3f}, new Shape(1, 1, 1, 1))),
                false)
            .head()
            .getFloat();

    assertThat(y).isCloseTo((float) (2 * (3 - 1) / Math.sqrt(4 + 1e-5) + 0.5), within(1e-6f));
  }

  @Test
  void l2NormalizeLeavesAZeroVectorAtZeroInsteadOfNaN() {
    NDArray rows = manager.create(new float[] {3, 4, 0, 0}, new Shape(2, 2));

    float[] y = run(new L2Normalize(), rows, false).toFloatArray();

    assertThat(y).containsExactly(0.6f, 0.8f, 0f, 0f);
  }

  @Test
  void maxPoolAndGlobalMaxPoolKeepTheLargestValue() {
    NDArray x = manager.arange(16f).reshape(1, 1, 4, 4);

    NDArray pooled = run(new MaxPool2d(3, 2, 1), x, false);
    NDArray global = run(new GlobalMaxPool(), x, false);

    assertThat(pooled.getShape()).isEqualTo(new Shape(1, 1, 2, 2));
    assertThat(pooled.toFloatArray()).containsExactly(5f, 7f, 13f, 15f);
    assertThat(global.getShape()).isEqualTo(new Shape(1, 1));
    assertThat(global.getFloat()).isEqualTo(15f);
  }
}
