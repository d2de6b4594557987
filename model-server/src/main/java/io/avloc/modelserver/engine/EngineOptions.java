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
 * @param cpuThreads threads ONNX Runtime on the CPU runs one batch with: 0 keeps the runtime's
 *     default (one call on its intra-op pool, one thread per core); N runs the batch as up to N
 *     sub-batches at once, each single-threaded. On a machine whose cores are busy with other work
 *     (the pipeline's own ingest, other processes) the runtime's pool waits for its slowest thread
 *     at every operator of the graph; split by samples, threads meet once per batch
 *     (docs/benchmarks.md)
 */
public record EngineOptions(boolean fp16, int maxBatch, boolean warmup, int cpuThreads) {

  /** No fp16, batches up to 8, warm-up on, the runtime's default threads. */
  public static final EngineOptions DEFAULTS = new EngineOptions(false, 8, true, 0);

  public EngineOptions {
    if (maxBatch < 1) {
      throw new IllegalArgumentException("maxBatch must be at least 1, got " + maxBatch);
    }
    if (cpuThreads < 0) {
      throw new IllegalArgumentException(
          "cpuThreads must be 0 (the runtime's default) or a number of threads, got " + cpuThreads);
    }
  }

  /** The runtime's default threads. */
  public EngineOptions(boolean fp16, int maxBatch, boolean warmup) {
    this(fp16, maxBatch, warmup, 0);
  }

  public EngineOptions withMaxBatch(int max) {
    return new EngineOptions(fp16, max, warmup, cpuThreads);
  }

  public EngineOptions withFp16(boolean on) {
    return new EngineOptions(on, maxBatch, warmup, cpuThreads);
  }

  public EngineOptions withWarmup(boolean on) {
    return new EngineOptions(fp16, maxBatch, on, cpuThreads);
  }

  public EngineOptions withCpuThreads(int threads) {
    return new EngineOptions(fp16, maxBatch, warmup, threads);
  }
}
