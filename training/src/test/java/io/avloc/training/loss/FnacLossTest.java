package io.avloc.training.loss;

import static io.avloc.training.loss.LossFixtures.meanAbsoluteDifference;
import static io.avloc.training.loss.LossFixtures.scalar;
import static io.avloc.training.loss.LossFixtures.softmaxRows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class FnacLossTest {

  private static NDManager manager;

  @BeforeAll
  static void setUp() {
    manager = LossFixtures.pytorchManager();
  }

  @AfterAll
  static void tearDown() {
    manager.close();
  }

  // ---- the worked example (HandExample), every intermediate by hand ----

  /** Z = s / τ. */
  private static final double[][] LOGITS = {{1.0 / 0.5, 0.96 / 0.5}, {0.8 / 0.5, 0.8 / 0.5}};

  /** G_a = A Aᵀ / τ: A0·A0 = A1·A1 = 1, A0·A1 = 0.6. */
  private static final double[][] AUDIO_ADJACENCY = {{1 / 0.5, 0.6 / 0.5}, {0.6 / 0.5, 1 / 0.5}};

  /*
   * vbar = mean over the 4 locations, not re-normalised:
   *   image 0: ((1 + 0 + 0.8 - 1)/4, (0 + 1 + 0.6 + 0)/4)     = (0.2, 0.4)
   *   image 1: ((0.8 + 0.6 - 0.6 + 0)/4, (-0.6 - 0.8 + 0.8 + 1)/4) = (0.2, 0.1)
   * G_v = vbar vbarᵀ / τ: 0.04 + 0.16 = 0.2, 0.04 + 0.04 = 0.08, 0.04 + 0.01 = 0.05.
   */
  private static final double[][] VISUAL_ADJACENCY = {
    {0.2 / 0.5, 0.08 / 0.5}, {0.08 / 0.5, 0.05 / 0.5}
  };

  /*
   * Own-pair maps ÷τ: image 0 (2, 0, 1.6, -2), image 1 (0, -0.56, 0.56, 1.6).
   * Mn = (x - min) / (max - min + 1e-5).
   */
  private static final double[][] NORMALISED_MAP = {
    {4 / 4.00001, 2 / 4.00001, 3.6 / 4.00001, 0 / 4.00001}, // ≈ (1, 0.5, 0.9, 0)
    {0.56 / 2.16001, 0 / 2.16001, 1.12 / 2.16001, 2.16 / 2.16001} // ≈ (0.26, 0, 0.52, 1)
  };

  /** K = Mn > 0.6. */
  private static final double[][] MASK = {{1, 0, 1, 0}, {0, 0, 0, 1}};

  /*
   * f = Σ_p V·K / 4 (h·w, not the mask area):
   *   image 0: ((1, 0) + (0.8, 0.6)) / 4 = (0.45, 0.15)
   *   image 1: (0, 1) / 4                = (0, 0.25)
   * G_f = f fᵀ / τ: 0.2025 + 0.0225 = 0.225, 0 + 0.0375 = 0.0375, 0 + 0.0625 = 0.0625.
   */
  private static final double[][] FOREGROUND_ADJACENCY = {
    {0.225 / 0.5, 0.0375 / 0.5}, {0.0375 / 0.5, 0.0625 / 0.5}
  };

  private static double contrastive() {
    double imageToAudio =
        (HandExample.crossEntropy(LOGITS[0], 0) + HandExample.crossEntropy(LOGITS[1], 1)) / 2;
    double audioToImage =
        (HandExample.crossEntropy(new double[] {LOGITS[0][0], LOGITS[1][0]}, 0)
                + HandExample.crossEntropy(new double[] {LOGITS[0][1], LOGITS[1][1]}, 1))
            / 2;
    return imageToAudio + audioToImage;
  }

  private static double fnsAudio() {
    return meanAbsoluteDifference(softmaxRows(AUDIO_ADJACENCY), softmaxRows(LOGITS));
  }

  private static double tne() {
    return meanAbsoluteDifference(softmaxRows(AUDIO_ADJACENCY), softmaxRows(FOREGROUND_ADJACENCY));
  }

  private static double fnsVisual() {
    return meanAbsoluteDifference(softmaxRows(VISUAL_ADJACENCY), softmaxRows(LOGITS));
  }

  @Test
  void workedExampleMaskIsTheOwnPairMapAboveSixTenthsOfItsRange() {
    for (int n = 0; n < 2; n++) {
      for (int p = 0; p < 4; p++) {
        assertThat(NORMALISED_MAP[n][p] > 0.6 ? 1.0 : 0.0).isEqualTo(MASK[n][p]);
      }
    }
    NDList out = HandExample.forwardOutput(manager);

    NDArray mask = FnacLoss.foregroundMask(out.get(2), out.get(1), HandExample.TAU);

    assertThat(mask.getShape()).isEqualTo(new Shape(2, 2, 2));
    assertThat(mask.toDoubleArray()).containsExactly(1, 0, 1, 0, 0, 0, 0, 1);
  }

  @Test
  void aConstantOwnPairMapHasNoForegroundAndAUniformForegroundAdjacency() {
    // Every location of an image holds the same vector, so its own-pair map is constant.
    double[][][] visual = {
      {{1, 0}, {1, 0}, {1, 0}, {1, 0}},
      {{0, 1}, {0, 1}, {0, 1}, {0, 1}}
    };
    NDList out =
        LossFixtures.forwardOutput(
            LossFixtures.visualMap(manager, visual, 2, 2),
            LossFixtures.audioEmbeddings(manager, HandExample.AUDIO));

    NDArray mask = FnacLoss.foregroundMask(out.get(2), out.get(1), HandExample.TAU);
    double tne = scalar(new FnacLoss(HandExample.TAU, 1, 1, 1, 0).terms(out).get(FnacLoss.TNE));

    assertThat(mask.toDoubleArray()).containsOnly(0.0);
    // f = 0, G_f = 0: every row of softmax(G_f) is (1/2, 1/2).
    double[][] uniform = {{0.5, 0.5}, {0.5, 0.5}};
    assertThat(tne)
        .isCloseTo(meanAbsoluteDifference(softmaxRows(AUDIO_ADJACENCY), uniform), within(1e-12));
  }

  @Test
  void workedExampleGivesEveryTerm() {
    FnacLoss loss = new FnacLoss(HandExample.TAU, 1, 2, 3, 0);

    Map<String, NDArray> terms = loss.terms(HandExample.forwardOutput(manager));

    assertThat(terms).containsOnlyKeys("contrastive", "fns_a", "tne", "fns_v", "loss");
    assertThat(terms.keySet()).containsExactly("contrastive", "fns_a", "tne", "fns_v", "loss");
    assertThat(scalar(terms.get("contrastive"))).isCloseTo(contrastive(), within(1e-12));
    assertThat(scalar(terms.get("fns_a"))).isCloseTo(fnsAudio(), within(1e-12));
    assertThat(scalar(terms.get("tne"))).isCloseTo(tne(), within(1e-12));
    assertThat(scalar(terms.get("fns_v"))).isCloseTo(fnsVisual(), within(1e-12));
    assertThat(scalar(terms.get("loss")))
        .isCloseTo(contrastive() + 1 * fnsAudio() + 2 * tne() + 3 * fnsVisual(), within(1e-12));
    // The example is not degenerate: each regulariser is clearly non-zero.
    assertThat(fnsAudio()).isGreaterThan(0.01);
    assertThat(tne()).isGreaterThan(0.01);
    assertThat(fnsVisual()).isGreaterThan(0.01);
  }

  @Test
  void warmUpTrainsOnTheContrastiveLossAloneButStillReportsEveryTerm() {
    FnacLoss loss = new FnacLoss(HandExample.TAU, 1, 2, 3, 2);
    NDList out = HandExample.forwardOutput(manager);
    double full = contrastive() + 1 * fnsAudio() + 2 * tne() + 3 * fnsVisual();

    // Epoch 0 is the default, before any setEpoch.
    assertThat(scalar(loss.evaluate(new NDList(), out))).isCloseTo(contrastive(), within(1e-12));
    for (int epoch : new int[] {0, 1}) {
      loss.setEpoch(epoch);
      Map<String, NDArray> terms = loss.terms(out);
      assertThat(scalar(terms.get("loss")))
          .as("epoch %d", epoch)
          .isCloseTo(contrastive(), within(1e-12));
      assertThat(scalar(terms.get("fns_a"))).isCloseTo(fnsAudio(), within(1e-12));
      assertThat(scalar(terms.get("tne"))).isCloseTo(tne(), within(1e-12));
      assertThat(scalar(terms.get("fns_v"))).isCloseTo(fnsVisual(), within(1e-12));
    }
    for (int epoch : new int[] {2, 29}) {
      loss.setEpoch(epoch);
      assertThat(scalar(loss.evaluate(new NDList(), out)))
          .as("epoch %d", epoch)
          .isCloseTo(full, within(1e-12));
    }
    assertThat(loss.warmupEpochs()).isEqualTo(2);
  }

  @Test
  void duringWarmUpTheTotalIsTheEzVslLoss() {
    Random random = new Random(17);
    NDList out =
        LossFixtures.forwardOutput(
            manager.create(LossFixtures.randomVisual(random, 8, 16, 7, 7), new Shape(8, 16, 7, 7)),
            manager.create(LossFixtures.unitVectors(random, 8, 16), new Shape(8, 16)));
    FnacLoss fnac =
        new FnacLoss(
            0.03f,
            FnacLoss.DEFAULT_WEIGHT,
            FnacLoss.DEFAULT_WEIGHT,
            FnacLoss.DEFAULT_WEIGHT,
            FnacLoss.DEFAULT_WARMUP);
    fnac.setEpoch(FnacLoss.DEFAULT_WARMUP - 1);

    assertThat(scalar(fnac.evaluate(new NDList(), out)))
        .isCloseTo(scalar(new EzVslLoss(0.03f).evaluate(new NDList(), out)), within(1e-12));
  }

  @Test
  void gradientsOfTheFullLossMatchFiniteDifferences() {
    int b = 3;
    int d = 3;
    float tau = 0.2f;
    Random random = new Random(11);
    double[] visual = LossFixtures.randomVisual(random, b, d, 2, 2);
    double[] audio = LossFixtures.unitVectors(random, b, d);
    double[][][] s = LossFixtures.cosines(visual, audio, b, d, 4);
    assertThat(LossFixtures.smallestArgmaxGap(s))
        .as("max-pooling must not be near a tie for finite differences to apply")
        .isGreaterThan(1e-3);
    assertThat(distanceOfNormalisedOwnMapsFromThreshold(s, tau))
        .as("no Mn value may sit near 0.6, or K would flip under the finite-difference step")
        .isGreaterThan(1e-2);
    FnacLoss loss =
        new FnacLoss(
            tau,
            FnacLoss.DEFAULT_WEIGHT,
            FnacLoss.DEFAULT_WEIGHT,
            FnacLoss.DEFAULT_WEIGHT,
            FnacLoss.DEFAULT_WARMUP);
    loss.setEpoch(FnacLoss.DEFAULT_WARMUP);

    LossFixtures.assertGradientsMatchFiniteDifferences(
        loss, visual, new Shape(b, d, 2, 2), audio, new Shape(b, d));
  }

  private static double distanceOfNormalisedOwnMapsFromThreshold(double[][][] s, float tau) {
    double smallest = Double.POSITIVE_INFINITY;
    for (int i = 0; i < s.length; i++) {
      double min = Double.POSITIVE_INFINITY;
      double max = Double.NEGATIVE_INFINITY;
      for (double x : s[i][i]) {
        min = Math.min(min, x / tau);
        max = Math.max(max, x / tau);
      }
      for (double x : s[i][i]) {
        double mn = (x / tau - min) / (max - min + 1e-5);
        smallest = Math.min(smallest, Math.abs(mn - 0.6));
      }
    }
    return smallest;
  }

  @Test
  void invalidSettingsAreRejected() {
    assertThatThrownBy(() -> new FnacLoss(0.03f, -1, 100, 100, 5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("fnsAudioWeight must be a finite weight >= 0");
    assertThatThrownBy(() -> new FnacLoss(0.03f, 100, Float.NaN, 100, 5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tneWeight");
    assertThatThrownBy(() -> new FnacLoss(0.03f, 100, 100, Float.POSITIVE_INFINITY, 5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("fnsVisualWeight");
    assertThatThrownBy(() -> new FnacLoss(0.03f, 100, 100, 100, -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("warmupEpochs must be >= 0");
    assertThatThrownBy(() -> new FnacLoss(0f, 100, 100, 100, 5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tau");
    FnacLoss loss = new FnacLoss(0.03f, 100, 100, 100, 5);
    assertThatThrownBy(() -> loss.setEpoch(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("epoch must be >= 0");
  }
}
