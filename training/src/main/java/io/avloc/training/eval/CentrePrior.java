package io.avloc.training.eval;

import io.avloc.core.heatmap.MinMax;

/**
 * The centre prior: a map that ignores picture and sound and says "the source is in the middle",
 * the baseline every localization result must beat (objects in photos, and in the synthetic
 * benchmark, sit near the centre more often than not). An isotropic Gaussian centred on the picture
 * with σ = a quarter of its side, min-max normalized.
 */
public final class CentrePrior {

  /** σ as a fraction of the side. */
  public static final double SIGMA = 0.25;

  private CentrePrior() {}

  /** The prior on a {@code side × side} grid, row-major, values in [0, 1]. */
  public static double[] map(int side) {
    if (side < 1) {
      throw new IllegalArgumentException("side must be positive, got " + side);
    }
    double[] m = new double[side * side];
    double c = (side - 1) / 2.0;
    double s = SIGMA * side;
    for (int y = 0; y < side; y++) {
      for (int x = 0; x < side; x++) {
        double dx = x - c;
        double dy = y - c;
        m[y * side + x] = Math.exp(-(dx * dx + dy * dy) / (2 * s * s));
      }
    }
    return MinMax.normalize(m);
  }
}
