package io.avloc.training.train;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * Where a run stands, saved with every checkpoint ({@code state.json}).
 *
 * @param epoch 0-based epoch in progress (equal to the finished epoch count when {@code step} is 0)
 * @param step batches of {@code epoch} already trained (non-zero only for an interrupted epoch)
 * @param bestEpoch 1-based epoch with the best selection score so far, 0 if none
 * @param history one record per finished epoch
 * @param partialLoss loss term sums of the interrupted epoch's finished steps
 * @param options the options the run was started with, to refuse resuming with different ones
 */
public record TrainingState(
    @JsonProperty("epoch") int epoch,
    @JsonProperty("step") int step,
    @JsonProperty("best_epoch") int bestEpoch,
    @JsonProperty("history") List<EpochRecord> history,
    @JsonProperty("partial_loss") Map<String, Double> partialLoss,
    @JsonProperty("options") Map<String, Object> options) {

  public TrainingState {
    history = history == null ? List.of() : List.copyOf(history);
    partialLoss = partialLoss == null ? Map.of() : Map.copyOf(partialLoss);
    options = options == null ? Map.of() : options;
  }
}
