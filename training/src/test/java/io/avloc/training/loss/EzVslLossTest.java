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

class EzVslLossTest {

  private static NDManager manager;

  @BeforeAll
  static void setUp() {
    manager = LossFixtures.pytorchManager();
  }

  @AfterAll
  static void tearDown() {
    manager.close();
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 4, 128})
  void equalSimilaritiesGiveTwiceLnB(int b) {
    // Every image location and every audio is the same unit vector: all logits are 1/τ.
    NDArray visual = manager.ones(new Shape(b, 8, 7, 7)).div(Math.sqrt(8));
    NDArray audio = manager.ones(new Shape(b, 8)).div(Math.sqrt(8));

    NDArray loss =
        new EzVslLoss(0.03f).evaluate(new NDList(), LossFixtures.forwardOutput(visual, audio));

    assertThat(scalar(loss)).isCloseTo(2 * Math.log(b), within(1e-4));
  }

  @Test
  void workedExampleIsTheSumOfBothBatchMeanCrossEntropies() {
    double t = HandExample.TAU;
    double[][] s = HandExample.MAX_COSINE;
    double[][] z = {{s[0][0] / t, s[0][1] / t}, {s[1][0] / t, s[1][1] / t}};
    // Image→audio: rows of Z; audio→image: columns of Z. Positives on the diagonal.
    double imageToAudio =
        (HandExample.crossEntropy(z[0], 0) + HandExample.crossEntropy(z[1], 1)) / 2;
    double audioToImage =
        (HandExample.crossEntropy(new double[] {z[0][0], z[1][0]}, 0)
                + HandExample.crossEntropy(new double[] {z[0][1], z[1][1]}, 1))
            / 2;
    // Row 1 is a tie (0.8 vs 0.8): its cross-entropy is ln 2.
    assertThat(HandExample.crossEntropy(z[1], 1)).isCloseTo(Math.log(2), within(1e-15));

    NDArray loss =
        new EzVslLoss(HandExample.TAU).evaluate(new NDList(), HandExample.forwardOutput(manager));

    assertThat(scalar(loss)).isCloseTo(imageToAudio + audioToImage, within(1e-12));
  }

  @Test
  void termsHoldOnlyTheTotalAndEvaluateReturnsIt() {
    EzVslLoss loss = new EzVslLoss(HandExample.TAU);
    NDList out = HandExample.forwardOutput(manager);

    assertThat(loss.terms(out)).containsOnlyKeys(AvContrastiveLoss.TOTAL);
    assertThat(scalar(loss.evaluate(new NDList(), out)))
        .isEqualTo(scalar(loss.terms(out).get(AvContrastiveLoss.TOTAL)));
    assertThat(loss.tau()).isEqualTo(HandExample.TAU);
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
        new EzVslLoss(0.2f), visual, new Shape(b, d, 2, 2), audio, new Shape(b, d));
  }

  @Test
  void aBatchOfOneIsRejected() {
    NDList out =
        LossFixtures.forwardOutput(
            manager.ones(new Shape(1, 4, 2, 2)), manager.ones(new Shape(1, 4)));

    assertThatThrownBy(() -> new EzVslLoss(0.03f).evaluate(new NDList(), out))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 2")
        .hasMessageContaining("B = 1");
  }

  @Test
  void audioAndVisualOfDifferentSizesAreRejected() {
    NDArray visual = manager.ones(new Shape(2, 4, 2, 2));
    NDList otherDim =
        new NDList(manager.ones(new Shape(2, 2, 2)), manager.ones(new Shape(2, 3)), visual);
    NDList otherBatch =
        new NDList(manager.ones(new Shape(2, 2, 2)), manager.ones(new Shape(3, 4)), visual);
    NDList flatVisual =
        new NDList(
            manager.ones(new Shape(2, 2, 2)),
            manager.ones(new Shape(2, 4)),
            manager.ones(new Shape(2, 4)));

    EzVslLoss loss = new EzVslLoss(0.03f);
    assertThatThrownBy(() -> loss.evaluate(new NDList(), otherDim))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("(2, 3)")
        .hasMessageContaining("(2, 4, 2, 2)");
    assertThatThrownBy(() -> loss.evaluate(new NDList(), otherBatch))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("batch size");
    assertThatThrownBy(() -> loss.evaluate(new NDList(), flatVisual))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("visual_map must be (B, D, h, w)");
  }

  @Test
  void somethingOtherThanTheForwardOutputIsRejected() {
    NDList two = new NDList(manager.ones(new Shape(2, 2, 2)), manager.ones(new Shape(2, 4)));

    assertThatThrownBy(() -> new EzVslLoss(0.03f).evaluate(new NDList(), two))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[simmap, audio_emb, visual_map]")
        .hasMessageContaining("got 2 arrays");
  }

  @Test
  void aTemperatureThatIsNotPositiveIsRejected() {
    for (float tau : new float[] {0f, -0.03f, Float.NaN, Float.POSITIVE_INFINITY}) {
      assertThatThrownBy(() -> new EzVslLoss(tau))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("tau must be a finite temperature > 0");
    }
  }
}
