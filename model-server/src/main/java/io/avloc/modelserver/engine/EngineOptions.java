package io.avloc.modelserver.engine;

/**
 * How an engine is loaded.
 *
 * @param fp16 let TensorRT build fp16 kernels (faster on most GPUs, less exact); other engines run
 *     the graph's float32
 * @param maxBatch the largest batch callers will run; warm-up runs it, and TensorRT loads the
 *     fixed-batch graphs up to it
 * @param warmup run warm-up batches at load, so the first real batch does not pay for lazy
 *     initialization, and an engine whose outputs are wrong (sizes, non-finite values) is refused
 *     before it serves
 */
public record EngineOptions(boolean fp16, int maxBatch, boolean warmup) {

  /** No fp16, batches up to 8, warm-up on. */
  public static final EngineOptions DEFAULTS = new EngineOptions(false, 8, true);

  public EngineOptions {
    if (maxBatch < 1) {
      throw new IllegalArgumentException("maxBatch must be at least 1, got " + maxBatch);
    }
  }

  public EngineOptions withMaxBatch(int max) {
    return new EngineOptions(fp16, max, warmup);
  }

  public EngineOptions withFp16(boolean on) {
    return new EngineOptions(on, maxBatch, warmup);
  }

  public EngineOptions withWarmup(boolean on) {
    return new EngineOptions(fp16, maxBatch, on);
  }
}
