package io.avloc.streams;

import io.avloc.core.event.HeatmapEvent;
import java.util.List;

/**
 * Runs the network on a micro-batch of pairs. The seam between the topology and the inference
 * runtime: embedded mode runs the model in-process; tests use a fake. One instance serves every
 * stream thread, so implementations must be thread-safe.
 */
public interface PairLocalizer extends AutoCloseable {

  /**
   * Localizes every pair; results come back in the same order, one event per pair.
   *
   * @param pairs at most {@link #maxBatch()} pairs, possibly from several cameras
   * @param batchStartUs wall clock when the batch was taken from the queue (for the latency
   *     breakdown: queue = batchStart − readyAt, inference = the call's duration)
   */
  List<HeatmapEvent> localize(List<AvPair> pairs, long batchStartUs);

  /** Largest batch the runtime accepts. */
  int maxBatch();

  /** {@code name@version} of the model, for the {@code model} header. */
  String modelId();

  @Override
  default void close() {}
}
