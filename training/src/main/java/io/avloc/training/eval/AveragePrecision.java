package io.avloc.training.eval;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Objects;

/**
 * Average precision of a score at ranking positives above negatives, as scikit-learn's {@code
 * average_precision_score}: {@code AP = Σ_k (R_k − R_{k−1})·P_k} over the distinct score
 * thresholds, highest first, where P_k and R_k are the precision and recall of "score ≥ threshold
 * k". Tied scores enter together, so the order among ties does not matter. It is the area under the
 * precision-recall curve without interpolation; a score that puts every positive above every
 * negative gets 1, and chance level is the share of positives.
 */
public final class AveragePrecision {
  private AveragePrecision() {}

  /**
   * The AP of {@code scores} for the labels {@code positive}.
   *
   * @throws IllegalArgumentException if the arrays differ in length, a score is not finite, or
   *     there is no positive (AP is then undefined)
   */
  public static double of(double[] scores, boolean[] positive) {
    Objects.requireNonNull(scores, "scores");
    Objects.requireNonNull(positive, "positive");
    if (scores.length != positive.length) {
      throw new IllegalArgumentException(
          scores.length + " scores but " + positive.length + " labels");
    }
    int positives = 0;
    for (int i = 0; i < scores.length; i++) {
      if (!Double.isFinite(scores[i])) {
        throw new IllegalArgumentException("score " + i + " is not finite: " + scores[i]);
      }
      positives += positive[i] ? 1 : 0;
    }
    if (positives == 0) {
      throw new IllegalArgumentException("average precision needs at least one positive");
    }
    Integer[] order = new Integer[scores.length];
    Arrays.setAll(order, i -> i);
    Arrays.sort(order, Comparator.comparingDouble((Integer i) -> scores[i]).reversed());
    double ap = 0;
    double previousRecall = 0;
    int truePositives = 0;
    int taken = 0;
    for (int i = 0; i < order.length; ) {
      double threshold = scores[order[i]];
      while (i < order.length && scores[order[i]] == threshold) {
        truePositives += positive[order[i]] ? 1 : 0;
        taken++;
        i++;
      }
      double recall = (double) truePositives / positives;
      double precision = (double) truePositives / taken;
      ap += (recall - previousRecall) * precision;
      previousRecall = recall;
    }
    return ap;
  }
}
