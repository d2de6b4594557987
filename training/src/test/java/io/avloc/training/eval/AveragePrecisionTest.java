package io.avloc.training.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class AveragePrecisionTest {

  @Test
  void aScoreThatRanksEveryPositiveFirstGetsOne() {
    assertThat(
            AveragePrecision.of(
                new double[] {0.9, 0.1, 0.8, 0.2}, new boolean[] {true, false, true, false}))
        .isEqualTo(1.0);
  }

  @Test
  void matchesScikitLearnsDocumentedExample() {
    // sklearn.metrics.average_precision_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) = 0.8333...
    assertThat(
            AveragePrecision.of(
                new double[] {0.1, 0.4, 0.35, 0.8}, new boolean[] {false, false, true, true}))
        .isCloseTo(5.0 / 6, within(1e-12));
  }

  @Test
  void tiedScoresEnterTogether() {
    // one threshold: precision 1/2 at recall 1, whatever the order of the ties
    assertThat(AveragePrecision.of(new double[] {0.5, 0.5}, new boolean[] {true, false}))
        .isEqualTo(0.5);
    assertThat(AveragePrecision.of(new double[] {0.5, 0.5}, new boolean[] {false, true}))
        .isEqualTo(0.5);
  }

  @Test
  void aReversedRankingGetsThePrecisionOfTheLastPlaces() {
    // negatives first: positives found at ranks 3 and 4 -> (1/3 + 2/4) / 2
    assertThat(
            AveragePrecision.of(
                new double[] {0.9, 0.8, 0.2, 0.1}, new boolean[] {false, false, true, true}))
        .isCloseTo((1.0 / 3 + 0.5) / 2, within(1e-12));
  }

  @Test
  void withoutPositivesItIsUndefined() {
    assertThatThrownBy(() -> AveragePrecision.of(new double[] {0.3}, new boolean[] {false}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least one positive");
  }
}
