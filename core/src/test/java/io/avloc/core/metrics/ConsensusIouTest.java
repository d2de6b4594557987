package io.avloc.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ConsensusIouTest {

  @Test
  void theThresholdIndexFor224By224Is25088() {
    assertThat(ConsensusIou.thresholdIndex(224 * 224)).isEqualTo(25088);
  }

  @Test
  void theThresholdIndexIsHalfThePixelsRoundedDownForAnySize() {
    assertThat(ConsensusIou.thresholdIndex(7 * 7)).isEqualTo(24);
    assertThat(ConsensusIou.thresholdIndex(3 * 5)).isEqualTo(7);
    assertThat(ConsensusIou.thresholdIndex(10 * 10)).isEqualTo(50);
    assertThat(ConsensusIou.thresholdIndex(1)).isEqualTo(0);
  }

  @Test
  void theThresholdIsTheSortedElementAtTheIndex() {
    Random rng = new Random(7);
    for (int n : new int[] {1, 2, 3, 49, 63, 1000, 224 * 224}) {
      for (int levels : new int[] {2, 5, 1 << 30}) {
        double[] pred = new double[n];
        for (int i = 0; i < n; i++) {
          pred[i] = rng.nextInt(levels) / (double) levels; // few levels = many ties
        }
        double[] sorted = pred.clone();
        Arrays.sort(sorted);
        assertThat(ConsensusIou.threshold(pred))
            .as("n=%d levels=%d", n, levels)
            .isEqualTo(sorted[n / 2]);
      }
    }
  }

  @Test
  void aHandMadeWeightedGroundTruthGivesTheHandComputedCiou() {
    // 4x4 Flickr-style G: a 2x2 block of 1.0 in the top-left corner, 0.5 around it. ΣG = 6.
    double[] gt = {
      1.0, 1.0, 0.5, 0,
      1.0, 1.0, 0.5, 0,
      0.5, 0.5, 0.0, 0,
      0.0, 0.0, 0.0, 0,
    };
    // Distinct values, the top 8 in rows 0-1: threshold = sorted[8] = 8 selects exactly rows 0-1.
    double[] pred = {
      8, 9, 10, 11,
      12, 13, 14, 15,
      0, 1, 2, 3,
      4, 5, 6, 7,
    };
    // Σ(B·G) = 1+1+0.5+1+1+0.5 = 5; Σ(B·[G=0]) = 2 (column 3 of rows 0-1); cIoU = 5 / (6 + 2).
    assertThat(ConsensusIou.threshold(pred)).isEqualTo(8);
    assertThat(ConsensusIou.of(pred, gt)).isEqualTo(0.625);
  }

  @Test
  void tiesAtTheThresholdAreAllPredictedPositive() {
    // sorted = [0.2, 0.5, 0.5, 0.5], threshold = element 2 = 0.5: all three 0.5 pixels are kept.
    double[] pred = {0.2, 0.5, 0.5, 0.5};
    double[] gt = {0, 0, 0, 1};
    assertThat(ConsensusIou.threshold(pred)).isEqualTo(0.5);
    // With ">" nothing would be selected and the cIoU would be 0.
    assertThat(ConsensusIou.of(pred, gt)).isEqualTo(1.0 / 3);
  }

  @Test
  void aRampPredictionOn224By224SelectsTheRightHalf() {
    double[] pred = new double[224 * 224];
    for (int y = 0; y < 224; y++) {
      for (int x = 0; x < 224; x++) {
        pred[y * 224 + x] = x / 223.0;
      }
    }
    double[] rightHalf = GroundTruth.vggss(List.of(new NormalizedBox(0.5, 0, 1, 1)));
    double[] rightQuarter = GroundTruth.vggss(List.of(new NormalizedBox(0.75, 0, 1, 1)));
    assertThat(ConsensusIou.of(pred, rightHalf)).isEqualTo(1.0);
    // 56 true columns inside 112 selected: 56 / (56 + 56).
    assertThat(ConsensusIou.of(pred, rightQuarter)).isEqualTo(0.5);
  }

  @Test
  void anEmptyGroundTruthScoresZero() {
    assertThat(ConsensusIou.of(new double[] {0.1, 0.9, 0.3, 0.4}, new double[4])).isZero();
  }

  @Test
  void anExplicitThresholdIsApplied() {
    double[] pred = {0.1, 0.9, 0.3, 0.4};
    double[] gt = {0, 1, 0, 0};
    assertThat(ConsensusIou.withThreshold(pred, gt, 0.35)).isCloseTo(0.5, within(0.0));
  }

  @Test
  void rejectsMismatchedSizesAndNonFiniteValues() {
    assertThatThrownBy(() -> ConsensusIou.of(new double[4], new double[5]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("differ in size");
    assertThatThrownBy(() -> ConsensusIou.of(new double[] {0, Double.NaN}, new double[2]))
        .hasMessageContaining("finite");
    assertThatThrownBy(() -> ConsensusIou.of(new double[2], new double[] {-1, 0}))
        .hasMessageContaining(">= 0");
  }
}
