package io.avloc.modelserver.engine;

import io.avloc.core.artifact.ModelManifest;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

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
   * @param classHeatmaps n pictures' class heatmaps of a model with {@link
   *     io.avloc.core.detector.ObjectGuidance} (its {@code floats()} per sample), else null
   */
  record Outputs(
      int n,
      int height,
      int width,
      float[] simmap,
      float[] audioEmbeddings,
      float[] classHeatmaps) {

    /** Outputs of a model without class heatmaps. */
    public Outputs(int n, int height, int width, float[] simmap, float[] audioEmbeddings) {
      this(n, height, width, simmap, audioEmbeddings, null);
    }

    /** Sample {@code i}'s h × w similarity map (a copy). */
    public float[] simmap(int i) {
      float[] out = new float[height * width];
      System.arraycopy(simmap, i * height * width, out, 0, out.length);
      return out;
    }

    /** The first {@code k} samples (e.g. of a padded fixed-size batch). */
    public Outputs head(int k) {
      if (k == n) {
        return this;
      }
      return new Outputs(
          k,
          height,
          width,
          Arrays.copyOf(simmap, k * (simmap.length / n)),
          Arrays.copyOf(audioEmbeddings, k * (audioEmbeddings.length / n)),
          classHeatmaps == null
              ? null
              : Arrays.copyOf(classHeatmaps, k * (classHeatmaps.length / n)));
    }

    /** The samples of {@code parts}, in order, as one batch (parts of one model). */
    public static Outputs concat(List<Outputs> parts) {
      if (parts.size() == 1) {
        return parts.get(0);
      }
      Outputs first = parts.get(0);
      int n = parts.stream().mapToInt(Outputs::n).sum();
      boolean objects = first.classHeatmaps() != null;
      return new Outputs(
          n,
          first.height(),
          first.width(),
          join(parts, Outputs::simmap),
          join(parts, Outputs::audioEmbeddings),
          objects ? join(parts, Outputs::classHeatmaps) : null);
    }

    private static float[] join(List<Outputs> parts, Function<Outputs, float[]> field) {
      float[] out = new float[parts.stream().mapToInt(p -> field.apply(p).length).sum()];
      int at = 0;
      for (Outputs p : parts) {
        float[] values = field.apply(p);
        System.arraycopy(values, 0, out, at, values.length);
        at += values.length;
      }
      return out;
    }
  }
}
