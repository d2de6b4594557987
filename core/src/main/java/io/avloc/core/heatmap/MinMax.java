package io.avloc.core.heatmap;

import java.util.Objects;

/**
 * Min-max normalization of a map to [0, 1] (docs/methods.md §5 step 3, the reference's {@code
 * utils.normalize_img}).
 */
public final class MinMax {
  private MinMax() {}

  /**
   * Returns {@code (v − min) / (max − min)} for every value. When max = min the reference leaves
   * the map as it is, and so does this: a constant map comes back unchanged (a copy), not zeroed,
   * and its values are then not necessarily in [0, 1].
   *
   * @param map any finite values; not modified
   */
  public static double[] normalize(double[] map) {
    Objects.requireNonNull(map, "map");
    if (map.length == 0) {
      throw new IllegalArgumentException("map must not be empty");
    }
    MapShapes.requireFinite(map, "map");
    double min = map[0];
    double max = map[0];
    for (double v : map) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    double range = max - min;
    double[] out = map.clone();
    if (range == 0) {
      return out;
    }
    for (int i = 0; i < out.length; i++) {
      // Divide (not multiply by 1/range) as the reference does, so the maximum maps to exactly 1.
      out[i] = (out[i] - min) / range;
    }
    return out;
  }

  /** {@link #normalize(double[])} for a float32 map. */
  public static double[] normalize(float[] map) {
    return normalize(MapShapes.toDouble(map));
  }
}
