package io.avloc.modelserver;

import io.avloc.core.artifact.ModelManifest;
import io.avloc.modelserver.engine.InferenceEngine;
import io.avloc.modelserver.registry.ModelRegistry;
import java.util.Objects;

/**
 * The model {@link PairInference} runs its batches on: one fixed model, or the serving version of a
 * {@link ModelRegistry} that may change between batches (hot swap). A batch takes a {@link Held}
 * model, runs on it and releases it, so a version swapped out finishes its in-flight batches before
 * it is unloaded, and every event of a batch names the version that produced it.
 *
 * <p>{@link #close()} closes what the factory wrapped.
 */
public interface BatchModel extends AutoCloseable {

  /** Holds the model for one batch; close the hold when the batch is done. */
  Held hold();

  /** The manifest of the model a batch taken now would run on. */
  default ModelManifest manifest() {
    try (Held h = hold()) {
      return h.manifest();
    }
  }

  @Override
  void close();

  /** One batch's hold on a model. */
  interface Held extends AutoCloseable {

    /** The held model's manifest; {@code manifest().id()} is the {@code name@version}. */
    ModelManifest manifest();

    /** The engine running it, as tagged on the meters, e.g. {@code OnnxRuntime}. */
    String engine();

    /** Runs a batch; see {@link InferenceEngine#run}. */
    InferenceEngine.Outputs run(float[] images, float[] spectrograms, int n, int frames);

    /**
     * Whether {@link #run} already records {@code avloc.inference.latency} and {@code
     * avloc.inference.batch.size}, so the caller must not record them again.
     */
    boolean recordsInferenceMeters();

    @Override
    void close();
  }

  /**
   * The serving version of {@code registry}, leased per batch; the registry records the inference
   * meters. Closing this closes the registry.
   */
  static BatchModel of(ModelRegistry registry) {
    Objects.requireNonNull(registry, "registry");
    return new BatchModel() {
      @Override
      public Held hold() {
        ModelRegistry.Lease lease = registry.acquire();
        return new Held() {
          @Override
          public ModelManifest manifest() {
            return lease.engine().manifest();
          }

          @Override
          public String engine() {
            return lease.engine().name();
          }

          @Override
          public InferenceEngine.Outputs run(float[] images, float[] specs, int n, int frames) {
            return lease.run(images, specs, n, frames);
          }

          @Override
          public boolean recordsInferenceMeters() {
            return true;
          }

          @Override
          public void close() {
            lease.close();
          }
        };
      }

      @Override
      public void close() {
        registry.close();
      }
    };
  }

  /**
   * One model loaded on an engine (see {@code Engines.load}). Closing this waits for the batches
   * running on it, then closes the engine ({@link FixedModel}).
   */
  static BatchModel of(InferenceEngine engine) {
    return new FixedModel(engine);
  }
}
