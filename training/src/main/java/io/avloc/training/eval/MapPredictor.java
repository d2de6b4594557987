package io.avloc.training.eval;

import io.avloc.core.detector.ClassHeatmaps;
import io.avloc.core.detector.ObjectGuidance;
import java.util.Objects;

/**
 * Runs a localization network on a batch of preprocessed clips and returns each clip's own-pair
 * similarity map (docs/methods.md §5 step 1: image i against its own audio). The evaluation is the
 * same whichever engine runs the network: ONNX Runtime over an exported artifact ({@code avloc
 * eval}) or the trainer's PyTorch network during validation.
 */
@FunctionalInterface
public interface MapPredictor {

  /**
   * Predicts the similarity maps of a batch.
   *
   * @param images n normalized CHW images at the network's input size S, concatenated (n·3·S·S)
   * @param spectrograms n log spectrograms, concatenated (n·257·frames)
   * @param n the batch size
   * @param frames spectrogram frames T
   */
  Prediction predict(float[] images, float[] spectrograms, int n, int frames);

  /**
   * The maps of a batch.
   *
   * @param n the batch size
   * @param height h of each map (7 for the papers' network, 5 for the lite preset)
   * @param width w of each map
   * @param simmaps n maps of h·w cosine similarities in [−1, 1], row-major, concatenated
   * @param guidance what {@code classHeatmaps} hold, for a model that outputs its detector's class
   *     heatmaps ({@link ObjectGuidance}); else null
   * @param classHeatmaps n pictures' class heatmaps, concatenated, or null
   */
  record Prediction(
      int n,
      int height,
      int width,
      float[] simmaps,
      ObjectGuidance guidance,
      float[] classHeatmaps) {

    /** The maps of a model without class heatmaps. */
    public Prediction(int n, int height, int width, float[] simmaps) {
      this(n, height, width, simmaps, null, null);
    }

    public Prediction {
      if ((guidance == null) != (classHeatmaps == null)) {
        throw new IllegalArgumentException("class heatmaps come with their guidance, or neither");
      }
      Objects.requireNonNull(simmaps, "simmaps");
      if (n < 0 || height < 1 || width < 1) {
        throw new IllegalArgumentException(
            "bad prediction shape: n=" + n + ", map " + height + "x" + width);
      }
      if (simmaps.length != (long) n * height * width) {
        throw new IllegalArgumentException(
            "a prediction of "
                + n
                + " maps of "
                + height
                + "x"
                + width
                + " holds "
                + (long) n * height * width
                + " values, got "
                + simmaps.length);
      }
    }

    /**
     * Picture {@code i}'s class heatmaps.
     *
     * @throws IllegalStateException when the model gives none
     */
    public ClassHeatmaps classHeatmaps(int i) {
      if (guidance == null) {
        throw new IllegalStateException(
            "the model gives no class heatmaps: its graph does not hold the detector's (re-export"
                + " a detector-trunk model with avloc model export, or use another object prior)");
      }
      Objects.checkIndex(i, n);
      return guidance.heatmaps(classHeatmaps, i);
    }

    /** Map {@code i} as doubles (a copy). */
    public double[] map(int i) {
      java.util.Objects.checkIndex(i, n);
      int size = height * width;
      double[] out = new double[size];
      for (int k = 0; k < size; k++) {
        out[k] = simmaps[i * size + k];
      }
      return out;
    }
  }
}
