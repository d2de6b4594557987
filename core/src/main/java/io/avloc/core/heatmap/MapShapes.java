package io.avloc.core.heatmap;

import java.util.Objects;

/** Argument checks and conversions shared by the map operations. */
final class MapShapes {
  private MapShapes() {}

  static void requirePositive(int height, int width, String what) {
    if (height <= 0 || width <= 0) {
      throw new IllegalArgumentException(
          what + " size must be positive, got " + height + "x" + width + " (height x width)");
    }
  }

  /** Checks that {@code map} holds {@code height·width} finite values. */
  static void require(double[] map, int height, int width, String what) {
    Objects.requireNonNull(map, what);
    requireLength(map.length, height, width, what);
    requireFinite(map, what);
  }

  static void requireLength(int length, int height, int width, String what) {
    requirePositive(height, width, what);
    if ((long) height * width != length) {
      throw new IllegalArgumentException(
          String.format(
              "%s of %dx%d (height x width) needs %d values, got %d",
              what, height, width, (long) height * width, length));
    }
  }

  static void requireFinite(double[] map, String what) {
    for (int i = 0; i < map.length; i++) {
      if (!Double.isFinite(map[i])) {
        throw new IllegalArgumentException(
            what + " values must be finite, got " + map[i] + " at index " + i);
      }
    }
  }

  static double[] toDouble(float[] values) {
    Objects.requireNonNull(values, "map");
    double[] out = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = values[i];
    }
    return out;
  }
}
