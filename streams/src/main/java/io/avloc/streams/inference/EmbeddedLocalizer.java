package io.avloc.streams.inference;

import io.avloc.core.artifact.PreprocessingContract;
import io.avloc.core.event.HeatmapEvent;
import io.avloc.core.pair.AvPair;
import io.avloc.modelserver.BatchModel;
import io.avloc.modelserver.BatchPreprocessor;
import io.avloc.modelserver.PairInference;
import io.avloc.modelserver.PairLocalizer;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Embedded mode: runs micro-batches in the stream thread through model-server's {@link
 * PairInference} on a {@link BatchModel} (one model on the configured engine, or the serving
 * version of a model registry, hot-swapped), the same code {@code avloc serve} runs in distributed
 * mode. Thread-safe: each calling stream thread gets its own predictor.
 */
public final class EmbeddedLocalizer implements PairLocalizer {

  private final PairInference inference;

  /** On {@code model}, which its owner closes; a batch's per-pair work uses every core. */
  public EmbeddedLocalizer(
      BatchModel model, int maxBatch, MeterRegistry registry, LongSupplier wallClockUs) {
    this(model, maxBatch, registry, wallClockUs, BatchPreprocessor.defaultParallelism());
  }

  /**
   * @param batchThreads threads that preprocess and post-process one batch, the calling stream
   *     thread included (see {@link PairInference})
   */
  public EmbeddedLocalizer(
      BatchModel model,
      int maxBatch,
      MeterRegistry registry,
      LongSupplier wallClockUs,
      int batchThreads) {
    this.inference = new PairInference(model, maxBatch, registry, wallClockUs, batchThreads);
  }

  @Override
  public List<HeatmapEvent> localize(List<AvPair> pairs, long batchStartUs) {
    return inference.localize(pairs, batchStartUs);
  }

  /** The model's contract: the one {@code avloc serve}, eval and training use. */
  @Override
  public PreprocessingContract preprocessing() {
    return inference.preprocessing();
  }

  @Override
  public int maxBatch() {
    return inference.maxBatch();
  }

  @Override
  public String modelId() {
    return inference.modelId();
  }

  /** The model is closed by its owner. */
  @Override
  public void close() {}
}
