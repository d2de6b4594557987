package io.avloc.core.metrics;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * Accumulates per-sample scores over a test set and summarizes them (the reference's {@code
 * utils.Evaluator} with the threshold rule of {@code test.py}). Use one evaluator per kind of map,
 * as the reference does for AV, Obj and AV+OGL. Not thread-safe.
 */
public final class LocalizationEvaluator {
  private final List<SampleScore> samples = new ArrayList<>();

  /**
   * Scores one sample.
   *
   * @param file the sample's id
   * @param prediction the normalized prediction map (e.g. 224×224), row-major
   * @param groundTruth the ground-truth map of the same shape ({@link GroundTruth})
   * @return the sample's scores, also kept for the summary
   */
  public SampleScore add(String file, double[] prediction, double[] groundTruth) {
    Objects.requireNonNull(file, "file");
    double ciou = ConsensusIou.of(prediction, groundTruth);
    boolean pointing = LocalizationMetrics.pointingHit(prediction, groundTruth);
    double oracle = LocalizationMetrics.oracleCiou(groundTruth);
    SampleScore score = new SampleScore(file, ciou, pointing, oracle);
    samples.add(score);
    return score;
  }

  /** {@link #add(String, double[], double[])} for a float32 prediction. */
  public SampleScore add(String file, float[] prediction, double[] groundTruth) {
    Objects.requireNonNull(prediction, "prediction");
    double[] widened = new double[prediction.length];
    for (int i = 0; i < widened.length; i++) {
      widened[i] = prediction[i];
    }
    return add(file, widened, groundTruth);
  }

  /** The scores so far, in the order added. */
  public List<SampleScore> samples() {
    return Collections.unmodifiableList(samples);
  }

  public int size() {
    return samples.size();
  }

  /**
   * The dataset metrics over every sample added so far.
   *
   * @throws IllegalStateException when no sample was added (the metrics are undefined)
   */
  public LocalizationSummary summary() {
    if (samples.isEmpty()) {
      throw new IllegalStateException("no samples evaluated");
    }
    int n = samples.size();
    double[] cious = new double[n];
    double[] oracle = new double[n];
    int pointed = 0;
    for (int i = 0; i < n; i++) {
      SampleScore s = samples.get(i);
      cious[i] = s.ciou();
      oracle[i] = s.oracleCiou();
      pointed += s.pointing() ? 1 : 0;
    }
    return new LocalizationSummary(
        n,
        LocalizationMetrics.ap50(cious),
        LocalizationMetrics.auc(cious),
        LocalizationMetrics.meanCiou(cious),
        (double) pointed / n,
        LocalizationMetrics.ap50(oracle),
        LocalizationMetrics.meanCiou(oracle),
        samples);
  }
}
