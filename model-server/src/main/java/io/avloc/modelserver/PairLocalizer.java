package io.avloc.modelserver;

import io.avloc.core.artifact.PreprocessingContract;
import io.avloc.core.event.HeatmapEvent;
import io.avloc.core.pair.AvPair;
import java.util.List;

/**
 * Runs the network on a micro-batch of pairs: the seam between whoever pairs frames with audio (the
 * streams topology in embedded mode, the model server's pairs consumer and HTTP endpoint) and the
 * inference runtime. {@link PairInference} runs a {@link BatchModel} (an engine of {@code
 * Engines.load} or a model registry); tests use fakes. One instance serves every calling thread, so
 * implementations must be thread-safe.
 */
public interface PairLocalizer extends AutoCloseable {

  /**
   * Localizes every pair; results come back in the same order, one event per pair.
   *
   * @param pairs at most {@link #maxBatch()} pairs, possibly from several cameras
   * @param batchStartUs wall clock when the batch was taken from the queue (for the latency
   *     breakdown: queue = batchStart − readyAt, inference = the call's duration)
   * @throws PairInputException when one pair's input cannot be used (its image does not decode),
   *     naming that pair; the other pairs were not run
   */
  List<HeatmapEvent> localize(List<AvPair> pairs, long batchStartUs);

  /** Largest batch the runtime accepts. */
  int maxBatch();

  /** {@code name@version} of the model, for the {@code model} header. */
  String modelId();

  /**
   * The model's preprocessing contract (image size, audio window...), from its manifest; null for a
   * runtime without a model artifact (test fakes), whose callers then keep their own settings.
   */
  default PreprocessingContract preprocessing() {
    return null;
  }

  @Override
  default void close() {}
}
