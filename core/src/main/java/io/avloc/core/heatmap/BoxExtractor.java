package io.avloc.core.heatmap;

import io.avloc.core.event.HeatmapEvent;
import java.util.ArrayList;
import java.util.Arrays;
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

  /**
   * Connected components of the above-threshold pixels, labelled by runs: each row's runs of
   * consecutive above-threshold pixels are found in one pass (their pixel count and maximum with
   * them), a run is joined (union-find) to the runs of the row above that touch it, and the runs
   * are then summed into their components. One comparison per pixel and a little work per run,
   * where a pixel-wise flood fill visits every region pixel's eight neighbours: post-processing
   * labels a full-resolution map for every heatmap, so this is on the pipeline's per-pair path.
   */
  private List<Component> label(double[] map, int height, int width) {
    // Two runs touch when their column ranges overlap, or (8-connectivity) are diagonal neighbours.
    int reach = options.connectivity() == Connectivity.EIGHT ? 1 : 0;
    double threshold = options.threshold();
    Runs runs = new Runs();
    int previousFirst = 0; // the runs of the row above: [previousFirst, currentFirst)
    for (int row = 0; row < height; row++) {
      int currentFirst = runs.count;
      int above = previousFirst;
      int base = row * width;
      int col = 0;
      while (col < width) {
        if (!(map[base + col] >= threshold)) {
          col++;
          continue;
        }
        int from = col;
        double max = map[base + col];
        for (col++; col < width && map[base + col] >= threshold; col++) {
          max = Math.max(max, map[base + col]);
        }
        int to = col - 1;
        int run = runs.add(row, from, to, max);
        // Runs above that end before this one's reach can touch no later run of this row either.
        while (above < currentFirst && runs.to[above] + reach < from) {
          above++;
        }
        for (int a = above; a < currentFirst && runs.from[a] - reach <= to; a++) {
          runs.union(run, a);
        }
      }
      previousFirst = currentFirst;
    }
    List<Component> components = new ArrayList<>();
    Component[] byRoot = new Component[runs.count];
    for (int r = 0; r < runs.count; r++) {
      int root = runs.find(r);
      Component c = byRoot[root];
      if (c == null) {
        // A root is its component's first run (runs are in row-major order): its first pixel.
        c = new Component(runs.row[root] * width + runs.from[root]);
        byRoot[root] = c;
        components.add(c);
      }
      c.add(runs.row[r], runs.from[r], runs.to[r], runs.max[r]);
    }
    return components;
  }

  /** The runs found so far, in row-major order, with their union-find parents. */
  private static final class Runs {
    int count;
    int[] row = new int[64];
    int[] from = new int[64];
    int[] to = new int[64];
    double[] max = new double[64];
    int[] parent = new int[64];

    int add(int r, int f, int t, double m) {
      if (count == row.length) {
        int n = 2 * count;
        row = Arrays.copyOf(row, n);
        from = Arrays.copyOf(from, n);
        to = Arrays.copyOf(to, n);
        max = Arrays.copyOf(max, n);
        parent = Arrays.copyOf(parent, n);
      }
      row[count] = r;
      from[count] = f;
      to[count] = t;
      max[count] = m;
      parent[count] = count;
      return count++;
    }

    int find(int r) {
      int root = r;
      while (parent[root] != root) {
        root = parent[root];
      }
      while (parent[r] != root) {
        int next = parent[r];
        parent[r] = root;
        r = next;
      }
      return root;
    }

    /**
     * Joins two runs' components under the earlier root, so a root is its component's first run.
     */
    void union(int a, int b) {
      int ra = find(a);
      int rb = find(b);
      if (ra != rb) {
        parent[Math.max(ra, rb)] = Math.min(ra, rb);
      }
    }
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

    /** Adds the run of columns {@code from..to} of {@code row}, whose largest value is max. */
    void add(int row, int from, int to, double runMax) {
      pixels += to - from + 1;
      max = Math.max(max, runMax);
      minRow = Math.min(minRow, row);
      maxRow = Math.max(maxRow, row);
      minCol = Math.min(minCol, from);
      maxCol = Math.max(maxCol, to);
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
