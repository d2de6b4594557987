package io.avloc.modelserver.engine;

import io.avloc.core.artifact.ModelManifest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

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
    if (n <= 0 || images.length % n != 0 || spectrograms.length % n != 0) {
      // the inner engine names what is wrong with the arrays
      return inner.run(images, spectrograms, n, frames);
    }
    int imageFloats = images.length / n;
    int specFloats = spectrograms.length / n;
    int[] first = new int[k + 1];
    for (int p = 0; p <= k; p++) {
      first[p] = (int) ((long) n * p / k);
    }
    List<Future<Outputs>> later = new ArrayList<>(k - 1);
    for (int p = 1; p < k; p++) {
      int from = first[p];
      int to = first[p + 1];
      later.add(
          helpers.submit(
              () ->
                  inner.run(
                      Arrays.copyOfRange(images, from * imageFloats, to * imageFloats),
                      Arrays.copyOfRange(spectrograms, from * specFloats, to * specFloats),
                      to - from,
                      frames)));
    }
    Outputs[] outs = new Outputs[k];
    RuntimeException failure = null;
    try {
      outs[0] =
          inner.run(
              Arrays.copyOfRange(images, 0, first[1] * imageFloats),
              Arrays.copyOfRange(spectrograms, 0, first[1] * specFloats),
              first[1],
              frames);
    } catch (RuntimeException e) {
      failure = e;
    }
    // Every part is awaited, also after a failure: none may still run when the caller goes on.
    for (int p = 1; p < k; p++) {
      try {
        outs[p] = await(later.get(p - 1));
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
    return concat(outs, n);
  }

  private static Outputs await(Future<Outputs> f) {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return f.get();
        } catch (InterruptedException e) {
          interrupted = true; // the part still uses the engine: finish waiting first
        } catch (ExecutionException e) {
          if (e.getCause() instanceof RuntimeException r) {
            throw r;
          }
          throw new IllegalStateException("an engine thread failed", e.getCause());
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static Outputs concat(Outputs[] outs, int n) {
    int h = outs[0].height();
    int w = outs[0].width();
    int dims = outs[0].audioEmbeddings().length / outs[0].n();
    float[] simmap = new float[n * h * w];
    float[] emb = new float[n * dims];
    int at = 0;
    for (Outputs o : outs) {
      System.arraycopy(o.simmap(), 0, simmap, at * h * w, o.n() * h * w);
      System.arraycopy(o.audioEmbeddings(), 0, emb, at * dims, o.n() * dims);
      at += o.n();
    }
    return new Outputs(n, h, w, simmap, emb);
  }

  @Override
  public void close() {
    helpers.shutdown();
    inner.close();
  }
}
