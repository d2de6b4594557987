package io.avloc.modelserver.registry;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Closes the engines of retired versions on its own thread, off the request path (the last lease's
 * release happens on a caller's thread), and counts the engines in memory for {@value
 * RegistryMeters#LOADED}: an engine counts from its load until its close has run.
 */
final class Unloader implements AutoCloseable {

  private final AtomicInteger inMemory = new AtomicInteger();
  private final ExecutorService thread =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "avloc-model-unload");
            t.setDaemon(true);
            return t;
          });

  /** An engine was loaded. */
  void loaded() {
    inMemory.incrementAndGet();
  }

  /** Engines loaded and not yet closed. */
  int inMemory() {
    return inMemory.get();
  }

  /**
   * Runs {@code close} (which must not throw) on the unload thread; the engine then no longer
   * counts.
   */
  void unload(Runnable close) {
    Runnable task =
        () -> {
          try {
            close.run();
          } finally {
            inMemory.decrementAndGet();
          }
        };
    try {
      thread.execute(task);
    } catch (RejectedExecutionException e) {
      task.run(); // the registry is closed: unload on the releasing thread
    }
  }

  /**
   * Waits (at most 30 s) for the unloads already asked for; later ones run on the caller's thread.
   */
  @Override
  public void close() {
    thread.shutdown();
    try {
      thread.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
