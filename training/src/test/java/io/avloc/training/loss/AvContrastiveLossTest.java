package io.avloc.training.loss;

import static io.avloc.training.loss.LossFixtures.scalar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** What the three losses share: the trainer's float32, and labels that play no part. */
class AvContrastiveLossTest {

  private static NDManager manager;

  @BeforeAll
  static void setUp() {
    manager = LossFixtures.pytorchManager();
  }

  @AfterAll
  static void tearDown() {
    manager.close();
  }

  static Stream<AvContrastiveLoss> losses() {
    return Stream.of(
        new EzVslLoss(HandExample.TAU),
        new MarginNceLoss(HandExample.TAU, MarginNceLoss.DEFAULT_MARGIN),
        new FnacLoss(HandExample.TAU, 1, 2, 3, 0));
  }

  @ParameterizedTest
  @MethodSource("losses")
  void float32InputsGiveTheFloat64ValueInFloat32(AvContrastiveLoss loss) {
    NDList out = HandExample.forwardOutput(manager);
    NDList single = new NDList();
    for (NDArray array : out) {
      single.add(array.toType(DataType.FLOAT32, false));
    }

    for (var term : loss.terms(single).entrySet()) {
      double reference = scalar(loss.terms(out).get(term.getKey()));
      assertThat(term.getValue().getDataType()).as(term.getKey()).isEqualTo(DataType.FLOAT32);
      assertThat((double) term.getValue().getFloat())
          .as(term.getKey())
          .isCloseTo(reference, within(1e-5 * Math.max(1, Math.abs(reference))));
    }
  }

  @ParameterizedTest
  @MethodSource("losses")
  void labelsPlayNoPartAndEvaluateReturnsTheTotal(AvContrastiveLoss loss) {
    NDList out = HandExample.forwardOutput(manager);
    NDList someLabels = new NDList(manager.arange(2));

    double total = scalar(loss.terms(out).get(AvContrastiveLoss.TOTAL));

    assertThat(scalar(loss.evaluate(new NDList(), out))).isEqualTo(total);
    assertThat(scalar(loss.evaluate(someLabels, out))).isEqualTo(total);
  }
}
