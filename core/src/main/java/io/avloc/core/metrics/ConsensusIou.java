package io.avloc.core.metrics;

import java.util.Objects;

/**
 * Per-sample consensus IoU with the median threshold (docs/methods.md §6.2, the reference's {@code
 * Evaluator.cal_CIOU} with the threshold from {@code test.py}).
 *
 * <p>The prediction is binarized at the value of element {@code ⌊N/2⌋} of its ascending sort (N =
 * height·width; 25088 for 224×224), keeping every pixel ≥ that value, so at least half the image is
 * always predicted positive; ties at the threshold are all kept. Then {@code cIoU = Σ(B·G) / (ΣG +
 * Σ(B·[G=0]))}: for a weighted Flickr map, a 0.5 pixel counts half in the numerator and in the
 * denominator.
 *
 * <p>Maps are flat row-major arrays; only their length matters here, so any shape works as long as
 * prediction and ground truth have the same one.
 */
public final class ConsensusIou {
  private ConsensusIou() {}

  /**
   * The index of the threshold in the ascending sort: {@code ⌊0.5·pixels⌋} ({@code int(N·0.5)}).
   */
  public static int thresholdIndex(int pixels) {
    if (pixels <= 0) {
      throw new IllegalArgumentException("pixels must be positive, got " + pixels);
    }
    return pixels / 2;
  }

  /** The median threshold of a prediction: {@code np.sort(pred.flatten())[⌊N/2⌋]}. */
  public static double threshold(double[] prediction) {
    Objects.requireNonNull(prediction, "prediction");
    if (prediction.length == 0) {
      throw new IllegalArgumentException("prediction must not be empty");
    }
    requireFinite(prediction, "prediction");
    return Selection.kthSmallest(prediction, thresholdIndex(prediction.length));
  }

  /** The cIoU of {@code prediction} against {@code groundTruth} with the median threshold. */
  public static double of(double[] prediction, double[] groundTruth) {
    return withThreshold(prediction, groundTruth, threshold(prediction));
  }

  /**
   * The cIoU with a given threshold: pixels with {@code prediction ≥ threshold} are predicted
   * positive.
   *
   * @param groundTruth finite values ≥ 0 (0/1 for VGG-SS, 0/0.5/1 for Flickr)
   */
  public static double withThreshold(double[] prediction, double[] groundTruth, double threshold) {
    requireSameSize(prediction, groundTruth);
    requireFinite(prediction, "prediction");
    requireGroundTruth(groundTruth);
    double hit = 0;
    double truth = 0;
    double falsePositive = 0;
    for (int i = 0; i < prediction.length; i++) {
      double g = groundTruth[i];
      truth += g;
      if (prediction[i] >= threshold) {
        if (g == 0) {
          falsePositive += 1;
        } else {
          hit += g;
        }
      }
    }
    double union = truth + falsePositive;
    // union is 0 only for an empty ground truth with no positive pixel, which the median threshold
    // never produces; with an explicit threshold it means "nothing to find, nothing claimed".
    return union == 0 ? 0 : hit / union;
  }

  /** Both maps present and of one size. */
  static void requireSameSize(double[] prediction, double[] groundTruth) {
    Objects.requireNonNull(prediction, "prediction");
    Objects.requireNonNull(groundTruth, "groundTruth");
    if (prediction.length != groundTruth.length) {
      throw new IllegalArgumentException(
          "prediction and ground truth differ in size: "
              + prediction.length
              + " vs "
              + groundTruth.length);
    }
  }

  static void requireFinite(double[] map, String what) {
    for (int i = 0; i < map.length; i++) {
      if (!Double.isFinite(map[i])) {
        throw new IllegalArgumentException(
            what + " values must be finite, got " + map[i] + " at index " + i);
      }
    }
  }

  static void requireGroundTruth(double[] map) {
    for (int i = 0; i < map.length; i++) {
      if (!(map[i] >= 0) || Double.isInfinite(map[i])) {
        throw new IllegalArgumentException(
            "ground-truth values must be finite and >= 0, got " + map[i] + " at index " + i);
      }
    }
  }
}
