package io.avloc.core.heatmap;

import io.avloc.core.event.HeatmapEvent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Regions of a normalized map above a threshold, as heatmap-event boxes.
 *
 * <p>Pixels with value ≥ {@code threshold} are grouped into connected components ({@link
 * Connectivity}); each component gives its tight bounding box. Box corners are pixel edges in
 * normalized coordinates: a component spanning columns {@code c0..c1} and rows {@code r0..r1} gives
 * {@code x1 = c0/width, x2 = (c1+1)/width, y1 = r0/height, y2 = (r1+1)/height}, so a component
 * covering the whole map is the box (0, 0)–(1, 1). (The peak, by contrast, is a point: the pixel
 * centre.)
 *
 * <p>The score of a box is the maximum map value inside its component: the strength of the region's
 * hottest point, comparable across boxes and with the event's peak score. Boxes are sorted by
 * score, best first; ties go to the larger component, then to the component whose first pixel comes
 * first in row-major order. Components smaller than {@code minAreaFraction} of the map (counted in
 * pixels, not box area) are dropped before the list is cut to {@code maxBoxes}.
 */
public final class BoxExtractor {
  private final Options options;

  /**
   * How boxes are extracted.
   *
   * @param threshold pixels with value ≥ threshold belong to a region (on a min-max normalized map,
   *     0.5 is half-way between its minimum and maximum)
   * @param connectivity which neighbours join a component
   * @param maxBoxes the most boxes returned, ≥ 0
   * @param minAreaFraction smallest component kept, as a fraction of the map's pixels, in [0, 1]
   */
  public record Options(
      double threshold, Connectivity connectivity, int maxBoxes, double minAreaFraction) {
    /** Threshold 0.5, 8-connectivity, at most 5 boxes, components of at least 0.1 % of the map. */
    public static final Options DEFAULTS = new Options(0.5, Connectivity.EIGHT, 5, 0.001);

    public Options {
      if (!Double.isFinite(threshold)) {
        throw new IllegalArgumentException("threshold must be finite, got " + threshold);
      }
      Objects.requireNonNull(connectivity, "connectivity");
      if (maxBoxes < 0) {
        throw new IllegalArgumentException("maxBoxes must be >= 0, got " + maxBoxes);
      }
      if (!(minAreaFraction >= 0 && minAreaFraction <= 1)) {
        throw new IllegalArgumentException(
            "minAreaFraction must be in [0,1], got " + minAreaFraction);
      }
    }
  }

  public BoxExtractor(Options options) {
    this.options = Objects.requireNonNull(options, "options");
  }

  public Options options() {
    return options;
  }

  /**
   * The boxes of {@code map}, best first.
   *
   * @param map row-major, shape (height, width), finite values
   */
  public List<HeatmapEvent.Box> extract(double[] map, int height, int width) {
    MapShapes.require(map, height, width, "map");
    List<Component> components = label(map, height, width);
    long minPixels = (long) Math.ceil(options.minAreaFraction() * map.length);
    return components.stream()
        .filter(c -> c.pixels >= minPixels)
        .sorted(
            Comparator.comparingDouble((Component c) -> c.max)
                .reversed()
                .thenComparing(Comparator.comparingInt((Component c) -> c.pixels).reversed())
                .thenComparingInt(c -> c.first))
        .limit(options.maxBoxes())
        .map(c -> c.toBox(height, width))
        .toList();
  }

  /** Flood fill over the above-threshold pixels, scanning in row-major order. */
  private List<Component> label(double[] map, int height, int width) {
    boolean eight = options.connectivity() == Connectivity.EIGHT;
    double threshold = options.threshold();
    boolean[] seen = new boolean[map.length];
    int[] stack = new int[map.length];
    List<Component> components = new ArrayList<>();
    for (int start = 0; start < map.length; start++) {
      if (seen[start] || !(map[start] >= threshold)) {
        continue;
      }
      Component c = new Component(start);
      seen[start] = true;
      int top = 0;
      stack[top++] = start;
      while (top > 0) {
        int p = stack[--top];
        int row = p / width;
        int col = p % width;
        c.add(row, col, map[p]);
        for (int dy = -1; dy <= 1; dy++) {
          for (int dx = -1; dx <= 1; dx++) {
            if ((dx == 0 && dy == 0) || (!eight && dx != 0 && dy != 0)) {
              continue;
            }
            int r = row + dy;
            int k = col + dx;
            if (r < 0 || r >= height || k < 0 || k >= width) {
              continue;
            }
            int q = r * width + k;
            if (!seen[q] && map[q] >= threshold) {
              seen[q] = true;
              stack[top++] = q;
            }
          }
        }
      }
      components.add(c);
    }
    return components;
  }

  private static final class Component {
    final int first;
    int pixels;
    double max = Double.NEGATIVE_INFINITY;
    int minRow = Integer.MAX_VALUE;
    int maxRow = -1;
    int minCol = Integer.MAX_VALUE;
    int maxCol = -1;

    Component(int first) {
      this.first = first;
    }

    void add(int row, int col, double value) {
      pixels++;
      max = Math.max(max, value);
      minRow = Math.min(minRow, row);
      maxRow = Math.max(maxRow, row);
      minCol = Math.min(minCol, col);
      maxCol = Math.max(maxCol, col);
    }

    HeatmapEvent.Box toBox(int height, int width) {
      return new HeatmapEvent.Box(
          (double) minCol / width,
          (double) minRow / height,
          (double) (maxCol + 1) / width,
          (double) (maxRow + 1) / height,
          max);
    }
  }
}
