package io.avloc.modelserver;

import io.avloc.core.artifact.ModelManifest;
import io.avloc.modelserver.engine.InferenceEngine;
import java.util.Objects;

/**
 * {@link BatchModel#of(InferenceEngine)}: one model on one engine. Closing it waits for the runs in
 * progress before closing the engine: a batch may still be on an inference thread when the
 * application that handed it over closes (asynchronous batches, docs/streams.md), and closing a
 * native session under a running batch crashes the process. A run after close fails with an
 * exception that says so.
 */
final class FixedModel implements BatchModel {

  private final InferenceEngine engine;
  private final Held held;
  private int running;
  private boolean closed;

  FixedModel(InferenceEngine engine) {
    this.engine = Objects.requireNonNull(engine, "engine");
    this.held = new Hold();
  }

  /** A hold on the model: nothing to release, inference meters left to the caller. */
  private final class Hold implements Held {
    @Override
    public ModelManifest manifest() {
      return engine.manifest();
    }

    @Override
    public String engine() {
      return engine.name();
    }

    @Override
    public InferenceEngine.Outputs run(float[] images, float[] specs, int n, int frames) {
      enter();
      try {
        return engine.run(images, specs, n, frames);
      } finally {
        exit();
      }
    }

    @Override
    public boolean recordsInferenceMeters() {
      return false;
    }

    @Override
    public void close() {}
  }

  @Override
  public Held hold() {
    return held;
  }

  private synchronized void enter() {
    if (closed) {
      throw new IllegalStateException(
          "model " + engine.manifest().id() + " is closed: its application is shutting down");
    }
    running++;
  }

  private synchronized void exit() {
    if (--running == 0) {
      notifyAll();
    }
  }

  /** Waits until no batch runs on the engine (each ends in bounded time), then closes it. */
  @Override
  public void close() {
    boolean interrupted = false;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      while (running > 0) {
        try {
          wait();
        } catch (InterruptedException e) {
          interrupted = true; // the engine must not close under a running batch
        }
      }
    }
    try {
      engine.close();
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
