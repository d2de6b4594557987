package io.avloc.training.train;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * One line of {@code train-log.jsonl}: what an epoch did.
 *
 * @param epoch 1-based epoch number
 * @param loss mean of each loss term over the epoch's steps ({@code loss} is the total)
 * @param samples training samples seen
 * @param seconds wall time of the epoch's steps (validation excluded)
 * @param samplesPerSecond training throughput
 * @param dataWaitShare share of the step time spent waiting for the data loader
 * @param validation validation metrics ({@code ciou} = AP50, {@code auc}, {@code pointing}, ...);
 *     {@code null} without {@code --val}
 * @param validationSeconds wall time of the validation
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EpochRecord(
    @JsonProperty("epoch") int epoch,
    @JsonProperty("loss") Map<String, Double> loss,
    @JsonProperty("samples") long samples,
    @JsonProperty("seconds") double seconds,
    @JsonProperty("samples_per_s") double samplesPerSecond,
    @JsonProperty("data_wait_share") double dataWaitShare,
    @JsonProperty("val") Map<String, Double> validation,
    @JsonProperty("val_seconds") Double validationSeconds) {

  /** The selection score: validation AP50 ("cIoU"), then AUC; the negated loss without --val. */
  double score() {
    if (validation == null) {
      return -loss.getOrDefault("loss", Double.POSITIVE_INFINITY);
    }
    return validation.getOrDefault("ciou", 0.0) + 1e-3 * validation.getOrDefault("auc", 0.0);
  }
}
