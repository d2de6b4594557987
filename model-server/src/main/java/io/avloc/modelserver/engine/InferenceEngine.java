package io.avloc.modelserver.engine;

import io.avloc.core.artifact.ModelManifest;

/**
 * A model artifact loaded on one inference engine, ready to run batches (load one with {@link
 * Engines#load}).
 *
 * <p>Thread-safe: DJL predictors are not, so each calling thread gets its own, created on its first
 * {@link #run} and closed with the engine. {@link #close()} must only be called once no thread is
 * inside {@link #run} any more (the model registry's leases ensure that).
 */
public interface InferenceEngine extends AutoCloseable {

  /** Which engine runs the model. */
  EngineKind kind();

  /** The engine's name as logged and tagged on meters, e.g. {@code OnnxRuntime}. */
  default String name() {
    return kind().displayName();
  }

  /** The manifest of the loaded artifact; {@code manifest().id()} is {@code name@version}. */
  ModelManifest manifest();

  /** Input and output sizes. */
  ModelShape shape();

  /**
   * Runs a batch.
   *
   * @param images n normalized CHW images, concatenated: n × 3 × S × S floats
   * @param spectrograms n log spectrograms, concatenated: n × F × frames floats
   * @param n batch size, at least 1
   * @param frames spectrogram frames T (200 for 3 s at 16 kHz)
   * @return the own-pair similarity maps and audio embeddings
   * @throws IllegalArgumentException when the arrays do not hold n samples of the model's shape
   * @throws IllegalStateException when the engine is closed or the engine fails
   */
  Outputs run(float[] images, float[] spectrograms, int n, int frames);

  /** Releases the model and every thread's predictor. */
  @Override
  void close();

  /**
   * Outputs of one batch, in the graph's output order as written by {@link
   * io.avloc.core.onnx.OnnxExporter}.
   *
   * @param simmap n × h × w own-pair cosine similarities, row-major per sample
   * @param audioEmbeddings n × D audio embeddings
   */
  record Outputs(int n, int height, int width, float[] simmap, float[] audioEmbeddings) {

    /** Sample {@code i}'s h × w similarity map (a copy). */
    public float[] simmap(int i) {
      float[] out = new float[height * width];
      System.arraycopy(simmap, i * height * width, out, 0, out.length);
      return out;
    }
  }
}
