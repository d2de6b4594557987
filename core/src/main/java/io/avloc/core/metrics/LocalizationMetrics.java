package io.avloc.core.metrics;

import io.avloc.core.heatmap.PeakFinder;
import java.util.Objects;

/**
 * Dataset-level localization metrics (docs/methods.md §6.4, the reference's {@code
 * Evaluator.finalize_*}), and two per-sample scores of our own: pointing and the oracle cIoU.
 *
 * <p>Like the reference, every metric is a fraction in [0, 1]; papers print them ×100.
 */
public final class LocalizationMetrics {
  /** The cIoU a sample needs to count as a success in AP50. */
  public static final double SUCCESS_CIOU = 0.5;

  /** AUC samples the success rate at thresholds {@code 0.05·k}, k = 0..{@value}. */
  public static final int AUC_STEPS = 20;

  private LocalizationMetrics() {}

  /** The fraction of samples with cIoU ≥ {@code threshold}. */
  public static double successRate(double[] cious, double threshold) {
    requireSamples(cious);
    int hits = 0;
    for (double c : cious) {
      if (c >= threshold) {
        hits++;
      }
    }
    return (double) hits / cious.length;
  }

  /**
   * AP50, the fraction of samples with cIoU ≥ 0.5: what the field, and these codebases, report as
   * "cIoU". It is not the mean IoU ({@link #meanCiou}).
   */
  public static double ap50(double[] cious) {
    return successRate(cious, SUCCESS_CIOU);
  }

  /**
   * The area under the success-rate curve: thresholds {@code t_k = 0.05·k} for k = 0..20, {@code
   * SR_k = successRate(t_k)}, trapezoid rule over [0, 1], i.e. {@code Σ_{k<20} (t_{k+1} −
   * t_k)·(SR_k + SR_{k+1})/2}. SR_0 = 1, so the AUC lies in [0.025, 1].
   *
   * <p>Thresholds and steps are the doubles the reference computes ({@code 0.05*i}, {@code
   * np.diff}), summed in NumPy's order, so the result matches {@code sklearn.metrics.auc} bit for
   * bit given the same cIoUs.
   */
  public static double auc(double[] cious) {
    requireSamples(cious);
    double[] rates = new double[AUC_STEPS + 1];
    double[] thresholds = new double[AUC_STEPS + 1];
    for (int k = 0; k <= AUC_STEPS; k++) {
      thresholds[k] = 0.05 * k;
      rates[k] = successRate(cious, thresholds[k]);
    }
    double[] areas = new double[AUC_STEPS];
    for (int k = 0; k < AUC_STEPS; k++) {
      areas[k] = (thresholds[k + 1] - thresholds[k]) * (rates[k + 1] + rates[k]) / 2.0;
    }
    return NumpySum.of(areas);
  }

  /** The mean cIoU ("Avg-cIoU" in the reference's output). */
  public static double meanCiou(double[] cious) {
    requireSamples(cious);
    return NumpySum.of(cious) / cious.length;
  }

  /**
   * Pointing: whether the prediction's peak pixel (the first maximum in row-major order, like
   * {@code np.argmax}) lies in the ground truth, i.e. has G &gt; 0. On Flickr a pixel marked by a
   * single annotator (G = 0.5) counts as inside.
   */
  public static boolean pointingHit(double[] prediction, double[] groundTruth) {
    ConsensusIou.requireSameSize(prediction, groundTruth);
    ConsensusIou.requireGroundTruth(groundTruth);
    return groundTruth[PeakFinder.argmax(prediction)] > 0;
  }

  /**
   * The protocol's oracle: the cIoU that the ground truth itself gets as the prediction ({@code
   * pred = G}), a perfect box-shaped prediction.
   *
   * <p>It is a ceiling that shows how the median threshold treats small objects. If G &gt; 0 covers
   * fewer than {@code N − ⌊N/2⌋} pixels (less than half the image), element ⌊N/2⌋ of the sorted G
   * is 0, the threshold is 0, and {@code pred ≥ 0} selects every pixel: the oracle scores only
   * {@code ΣG / (ΣG + #[G=0])}, the box's share of the image for a binary G, which is always below
   * 0.5 and thus fails AP50. A G covering at least half the image gets a positive threshold and
   * (binary G) the exact mask, cIoU 1. An empty G scores 0.
   *
   * <p>{@code pred = G} is not the best score the rule allows: its ties are what select the whole
   * image. A prediction that ranks G's pixels first and has no ties at the threshold selects
   * exactly {@code N − ⌊N/2⌋} pixels and, for a binary G of area {@code a} below that, scores
   * {@code a / (N − ⌊N/2⌋)}, about twice the oracle. The oracle measures what a box-shaped
   * (flat-topped) map gets, which is the question it answers: how much the protocol penalizes small
   * sources.
   */
  public static double oracleCiou(double[] groundTruth) {
    return ConsensusIou.of(groundTruth, groundTruth);
  }

  private static void requireSamples(double[] cious) {
    Objects.requireNonNull(cious, "cious");
    if (cious.length == 0) {
      throw new IllegalArgumentException("no samples");
    }
  }
}
