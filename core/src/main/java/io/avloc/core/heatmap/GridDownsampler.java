package io.avloc.core.heatmap;

import io.avloc.core.event.HeatmapEvent;

/**
 * Shrinks a map to the size carried in a heatmap event. A 224×224 map is about 50k numbers, too
 * many for every event; a coarser grid keeps the shape of the map at a fraction of the bytes.
 */
public final class GridDownsampler {
  private GridDownsampler() {}

  /**
   * Averages {@code map} over cells like PyTorch's {@code adaptive_avg_pool2d}: output cell {@code
   * i} covers input indices {@code floor(i·in/out)} to {@code ceil((i+1)·in/out) − 1} on each axis,
   * so any sizes work and the cells of an exact divisor (224 → 28) are plain 8×8 means. Averaging
   * (not point sampling) keeps a narrow peak visible in the grid.
   *
   * <p>Values are clamped to [0, 1], the range a {@link HeatmapEvent.Grid} requires; this only
   * changes anything for a map that was not normalized (a constant map, which min-max leaves as
   * is).
   *
   * @param map row-major, shape (height, width)
   * @return the grid, shape (gridHeight, gridWidth); equal sizes give a plain (clamped) copy
   */
  public static HeatmapEvent.Grid downsample(
      double[] map, int height, int width, int gridHeight, int gridWidth) {
    MapShapes.require(map, height, width, "map");
    MapShapes.requirePositive(gridHeight, gridWidth, "grid");
    float[] values = new float[gridHeight * gridWidth];
    for (int gy = 0; gy < gridHeight; gy++) {
      int y0 = start(gy, height, gridHeight);
      int y1 = end(gy, height, gridHeight);
      for (int gx = 0; gx < gridWidth; gx++) {
        int x0 = start(gx, width, gridWidth);
        int x1 = end(gx, width, gridWidth);
        double sum = 0;
        for (int y = y0; y < y1; y++) {
          for (int x = x0; x < x1; x++) {
            sum += map[y * width + x];
          }
        }
        double mean = sum / ((double) (y1 - y0) * (x1 - x0));
        values[gy * gridWidth + gx] = (float) Math.min(1.0, Math.max(0.0, mean));
      }
    }
    return new HeatmapEvent.Grid(gridWidth, gridHeight, values);
  }

  private static int start(int i, int in, int out) {
    return (int) ((long) i * in / out);
  }

  private static int end(int i, int in, int out) {
    return (int) (((long) (i + 1) * in + out - 1) / out);
  }
}
