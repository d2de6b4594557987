package io.avloc.training.eval;

import io.avloc.core.detector.ObjectGuidance;
import io.avloc.core.image.RgbImage;

/**
 * The object map a model computes itself: the objectness of the class heatmaps that a model on the
 * frozen detector trunk outputs beside its maps ({@link ObjectGuidance}), from the same forward
 * pass and the same picture the model saw. This is the object map the pipeline's heatmaps are mixed
 * with, so {@code avloc eval} scores such a model as it is served.
 */
public final class ModelObjectPrior implements ObjectPrior {

  /** The name on the command line and in reports. */
  public static final String NAME = "model";

  @Override
  public String name() {
    return NAME;
  }

  /**
   * @throws UnsupportedOperationException always: the maps come with the model's prediction
   */
  @Override
  public double[][] maps(RgbImage[] pictures, int n, int side) {
    throw new UnsupportedOperationException(
        "the model's own object maps come with its prediction; call maps(..., prediction)");
  }

  /**
   * @throws IllegalStateException when the model gives no class heatmaps
   */
  @Override
  public double[][] maps(RgbImage[] pictures, int n, int side, MapPredictor.Prediction prediction) {
    double[][] maps = new double[n][];
    for (int i = 0; i < n; i++) {
      maps[i] = ObjectGuidance.objectMap(prediction.classHeatmaps(i), side, side);
    }
    return maps;
  }

  @Override
  public void close() {}
}
