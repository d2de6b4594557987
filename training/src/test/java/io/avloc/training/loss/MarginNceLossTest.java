package io.avloc.training.loss;

import static io.avloc.training.loss.LossFixtures.scalar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MarginNceLossTest {

  private static NDManager manager;

  @BeforeAll
  static void setUp() {
    manager = LossFixtures.pytorchManager();
  }

  @AfterAll
  static void tearDown() {
    manager.close();
  }

  private static NDList randomForwardOutput(long seed, int b, int d, int h, int w) {
    Random random = new Random(seed);
    NDArray visual =
        manager.create(LossFixtures.randomVisual(random, b, d, h, w), new Shape(b, d, h, w));
    NDArray audio = manager.create(LossFixtures.unitVectors(random, b, d), new Shape(b, d));
    return LossFixtures.forwardOutput(visual, audio);
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 4, 128})
  void withoutMarginEqualSimilaritiesGiveTwiceLnB(int b) {
    NDArray visual = manager.ones(new Shape(b, 8, 7, 7)).div(Math.sqrt(8));
    NDArray audio = manager.ones(new Shape(b, 8)).div(Math.sqrt(8));

    NDArray loss =
        new MarginNceLoss(0.03f, 0f)
            .evaluate(new NDList(), LossFixtures.forwardOutput(visual, audio));

    assertThat(scalar(loss)).isCloseTo(2 * Math.log(b), within(1e-4));
  }

  @Test
  void withoutMarginItIsEzVsl() {
    NDList out = randomForwardOutput(3, 16, 32, 7, 7);

    double marginNce = scalar(new MarginNceLoss(0.03f, 0f).evaluate(new NDList(), out));
    double ezVsl = scalar(new EzVslLoss(0.03f).evaluate(new NDList(), out));

    assertThat(marginNce).isCloseTo(ezVsl, within(1e-12));
  }

  @Test
  void aNegativeMarginLowersTheLoss() {
    NDList out = randomForwardOutput(5, 16, 32, 7, 7);

    double none = scalar(new MarginNceLoss(0.1f, 0f).evaluate(new NDList(), out));
    double small = scalar(new MarginNceLoss(0.1f, -0.1f).evaluate(new NDList(), out));
    double paper =
        scalar(new MarginNceLoss(0.1f, MarginNceLoss.DEFAULT_MARGIN).evaluate(new NDList(), out));

    assertThat(small).isLessThan(none);
    assertThat(paper).isLessThan(small);
  }

  @Test
  void workedExampleAddsTheMarginToEachPositiveCosineBeforeDividingByTau() {
    double t = HandExample.TAU;
    double m = MarginNceLoss.DEFAULT_MARGIN; // -0.2 as a float, widened exactly
    double[][] s = HandExample.MAX_COSINE;
    // Positives (1.0 and 0.8) become 1.2 and 1.0; negatives stay 0.96 and 0.8.
    double[][] z = {{(s[0][0] - m) / t, s[0][1] / t}, {s[1][0] / t, (s[1][1] - m) / t}};
    assertThat(z[0][0]).isCloseTo(2.4, within(1e-7));
    assertThat(z[1][1]).isCloseTo(2.0, within(1e-7));
    double imageToAudio =
        (HandExample.crossEntropy(z[0], 0) + HandExample.crossEntropy(z[1], 1)) / 2;
    double audioToImage =
        (HandExample.crossEntropy(new double[] {z[0][0], z[1][0]}, 0)
                + HandExample.crossEntropy(new double[] {z[0][1], z[1][1]}, 1))
            / 2;

    MarginNceLoss loss = new MarginNceLoss(HandExample.TAU, MarginNceLoss.DEFAULT_MARGIN);
    NDArray value = loss.evaluate(new NDList(), HandExample.forwardOutput(manager));

    assertThat(loss.margin()).isEqualTo(-0.2f);
    assertThat(scalar(value)).isCloseTo(imageToAudio + audioToImage, within(1e-12));
  }

  @Test
  void gradientsMatchFiniteDifferences() {
    int b = 3;
    int d = 3;
    Random random = new Random(11);
    double[] visual = LossFixtures.randomVisual(random, b, d, 2, 2);
    double[] audio = LossFixtures.unitVectors(random, b, d);
    assertThat(LossFixtures.smallestArgmaxGap(LossFixtures.cosines(visual, audio, b, d, 4)))
        .as("max-pooling must not be near a tie for finite differences to apply")
        .isGreaterThan(1e-3);

    LossFixtures.assertGradientsMatchFiniteDifferences(
        new MarginNceLoss(0.2f, MarginNceLoss.DEFAULT_MARGIN),
        visual,
        new Shape(b, d, 2, 2),
        audio,
        new Shape(b, d));
  }

  @Test
  void aMarginThatIsNotFiniteIsRejected() {
    assertThatThrownBy(() -> new MarginNceLoss(0.03f, Float.NaN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("margin must be a finite");
  }
}
