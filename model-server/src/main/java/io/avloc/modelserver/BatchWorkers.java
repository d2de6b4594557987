package io.avloc.modelserver;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * Runs the per-pair work of one batch (preprocessing, post-processing) on the calling thread and
 * the helper threads of one pool shared by the JVM: daemon threads, one per core beyond the first.
 * The thread that runs a batch (a Kafka Streams thread, a model server's batch thread) would
 * otherwise do all of it alone while the other cores idle. Callers write only per-index slots, so
 * the result does not depend on which thread did which pair.
 */
final class BatchWorkers {

  /** Helper threads of the shared pool. */
  static final int HELPERS = Math.max(1, Runtime.getRuntime().availableProcessors() - 1);

  private static final ExecutorService POOL =
      Executors.newFixedThreadPool(
          HELPERS,
          new ThreadFactory() {
            private final AtomicInteger n = new AtomicInteger();

            @Override
            public Thread newThread(Runnable r) {
              Thread t = new Thread(r, "avloc-batch-worker-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            }
          });

  private BatchWorkers() {}

  /** The most threads one batch can use: the caller and every helper. */
  static int maxParallelism() {
    return HELPERS + 1;
  }

  /**
   * Calls {@code work} for each index in [0, n), on up to {@code parallelism} threads (the caller
   * included); index i goes to worker i % workers, since neighbouring pairs cost about the same.
   * Returns once every index was attempted.
   *
   * @return per index, the exception {@code work} threw for it, or null
   */
  static RuntimeException[] forEach(int n, int parallelism, IntConsumer work) {
    RuntimeException[] failures = new RuntimeException[n];
    int workers = Math.max(1, Math.min(Math.min(parallelism, maxParallelism()), n));
    List<Future<?>> helpers = new ArrayList<>(workers - 1);
    for (int w = 1; w < workers; w++) {
      int first = w;
      helpers.add(POOL.submit(() -> stride(first, workers, n, work, failures)));
    }
    stride(0, workers, n, work, failures);
    for (Future<?> f : helpers) {
      await(f);
    }
    return failures;
  }

  private static void stride(
      int first, int step, int n, IntConsumer work, RuntimeException[] failures) {
    for (int i = first; i < n; i += step) {
      try {
        work.accept(i);
      } catch (RuntimeException e) {
        failures[i] = e;
      }
    }
  }

  private static void await(Future<?> f) {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          f.get();
          return;
        } catch (InterruptedException e) {
          // The helper still writes into the batch's slots: finish waiting, then restore the flag.
          interrupted = true;
        } catch (ExecutionException e) {
          // stride() records every RuntimeException per index; an Error gets here.
          throw new IllegalStateException("a batch worker failed", e.getCause());
        } catch (CancellationException e) {
          throw new IllegalStateException("a batch worker was cancelled", e);
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
