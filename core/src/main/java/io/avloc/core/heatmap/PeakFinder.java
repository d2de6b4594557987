package io.avloc.core.heatmap;

import io.avloc.core.event.HeatmapEvent;
import java.util.Objects;

/** The hottest point of a map. */
public final class PeakFinder {
  private PeakFinder() {}

  /**
   * The index of the largest value; on ties the first in row-major order, like {@code np.argmax}.
   *
   * @param map a non-empty map of finite values
   */
  public static int argmax(double[] map) {
    Objects.requireNonNull(map, "map");
    if (map.length == 0) {
      throw new IllegalArgumentException("map must not be empty");
    }
    MapShapes.requireFinite(map, "map");
    int best = 0;
    for (int i = 1; i < map.length; i++) {
      if (map[i] > map[best]) {
        best = i;
      }
    }
    return best;
  }

  /**
   * The peak as a heatmap-event point: the normalized centre of the argmax pixel, {@code x =
   * (column + 0.5) / width}, {@code y = (row + 0.5) / height} (origin top-left), and the map's
   * value there.
   */
  public static HeatmapEvent.Peak peak(double[] map, int height, int width) {
    MapShapes.require(map, height, width, "map");
    int index = argmax(map);
    int row = index / width;
    int column = index % width;
    return new HeatmapEvent.Peak((column + 0.5) / width, (row + 0.5) / height, map[index]);
  }
}
