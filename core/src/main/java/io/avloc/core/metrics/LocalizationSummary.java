package io.avloc.core.metrics;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * Dataset-level results of one evaluator (one kind of map, e.g. AV, Obj or AV+OGL), all fractions
 * in [0, 1]. Serializes with Jackson to {@code {"n", "ciou", "auc", "mean_ciou", "pointing",
 * "oracle_ciou", "oracle_mean_ciou", "per_sample": [...]}}; {@code "ciou"} is AP50, the number the
 * field reports as cIoU.
 *
 * @param n number of samples
 * @param ap50 fraction of samples with cIoU ≥ 0.5 (the field's "cIoU")
 * @param auc area under the success-rate curve, 21 thresholds
 * @param meanCiou mean per-sample cIoU
 * @param pointing fraction of samples whose peak lies in the ground truth
 * @param oracleCiou AP50 of the oracle cIoUs ({@link LocalizationMetrics#oracleCiou}): the best
 *     "cIoU" the protocol lets a box-shaped prediction reach on this dataset
 * @param oracleMeanCiou mean of the oracle cIoUs
 * @param perSample the per-sample scores, in the order added
 */
@JsonPropertyOrder({
  "n",
  "ciou",
  "auc",
  "mean_ciou",
  "pointing",
  "oracle_ciou",
  "oracle_mean_ciou",
  "per_sample"
})
public record LocalizationSummary(
    @JsonProperty("n") int n,
    @JsonProperty("ciou") double ap50,
    @JsonProperty("auc") double auc,
    @JsonProperty("mean_ciou") double meanCiou,
    @JsonProperty("pointing") double pointing,
    @JsonProperty("oracle_ciou") double oracleCiou,
    @JsonProperty("oracle_mean_ciou") double oracleMeanCiou,
    @JsonProperty("per_sample") List<SampleScore> perSample) {
  public LocalizationSummary {
    perSample = List.copyOf(perSample);
  }
}
