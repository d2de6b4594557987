package io.avloc.modelserver.engine;

import io.avloc.core.artifact.ModelManifest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * Runs each batch as up to {@code parts} sub-batches at once, one thread each, on an engine loaded
 * single-threaded ({@link EngineOptions#cpuThreads()} &gt; 1 on ONNX Runtime, CPU).
 *
 * <p>Why: ONNX Runtime's own intra-op pool splits every operator of the graph over its threads and
 * waits for all of them before the next operator. When other threads compete for the cores (the
 * pipeline's ingest, the cameras, other processes), one descheduled worker stalls the whole graph
 * at each of its ~100 operators. Split by samples instead, the threads only meet once per batch,
 * and each thread gets its own share of the scheduler. Outputs are concatenated in sample order, so
 * a batch gives the same result however it was split.
 */
final class SplitBatchEngine implements InferenceEngine {

  private final InferenceEngine inner;
  private final int parts;
  private final ExecutorService helpers;

  /**
   * @param inner an engine whose {@link #run} is thread-safe and single-threaded
   * @param parts the most sub-batches run at once, at least 2 (the caller runs one)
   */
  SplitBatchEngine(InferenceEngine inner, int parts) {
    this.inner = Objects.requireNonNull(inner, "inner");
    if (parts < 2) {
      throw new IllegalArgumentException("a split batch needs at least 2 parts, got " + parts);
    }
    this.parts = parts;
    AtomicInteger n = new AtomicInteger();
    this.helpers =
        Executors.newFixedThreadPool(
            parts - 1,
            r -> {
              Thread t = new Thread(r, "avloc-engine-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  @Override
  public EngineKind kind() {
    return inner.kind();
  }

  @Override
  public String name() {
    return inner.name();
  }

  @Override
  public ModelManifest manifest() {
    return inner.manifest();
  }

  @Override
  public ModelShape shape() {
    return inner.shape();
  }

  @Override
  public Outputs run(float[] images, float[] spectrograms, int n, int frames) {
    int k = Math.min(parts, n);
    if (k <= 1) {
      return inner.run(images, spectrograms, n, frames);
    }
    if (images.length % n != 0 || spectrograms.length % n != 0) {
      // the inner engine names what is wrong with the arrays
      return inner.run(images, spectrograms, n, frames);
    }
    int imageFloats = images.length / n;
    int specFloats = spectrograms.length / n;
    int[] first = new int[k + 1];
    for (int p = 0; p <= k; p++) {
      first[p] = (int) ((long) n * p / k);
    }
    IntFunction<Outputs> part =
        p ->
            inner.run(
                Arrays.copyOfRange(images, first[p] * imageFloats, first[p + 1] * imageFloats),
                Arrays.copyOfRange(spectrograms, first[p] * specFloats, first[p + 1] * specFloats),
                first[p + 1] - first[p],
                frames);
    List<CompletableFuture<Outputs>> later = new ArrayList<>(k - 1);
    for (int p = 1; p < k; p++) {
      int q = p;
      later.add(CompletableFuture.supplyAsync(() -> part.apply(q), helpers));
    }
    Outputs[] outs = new Outputs[k];
    RuntimeException failure = null;
    try {
      outs[0] = part.apply(0);
    } catch (RuntimeException e) {
      failure = e;
    }
    // Every part is awaited (join ignores interrupts), also after a failure: none may still run
    // when the caller goes on.
    for (int p = 1; p < k; p++) {
      try {
        outs[p] = later.get(p - 1).join();
      } catch (CompletionException e) {
        if (failure == null) {
          failure =
              e.getCause() instanceof RuntimeException r
                  ? r
                  : new IllegalStateException("an engine thread failed", e.getCause());
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
    return Outputs.concat(Arrays.asList(outs));
  }

  @Override
  public void close() {
    helpers.shutdown();
    inner.close();
  }
}
