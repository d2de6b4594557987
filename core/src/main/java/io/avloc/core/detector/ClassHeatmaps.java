package io.avloc.core.detector;

import io.avloc.core.event.HeatmapEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One picture's CenterNet class heatmaps: height × width × classes, row-major (NHWC without the
 * batch), values in [0, 1] (each a sigmoid: how likely an object of that class is centred there).
 */
public final class ClassHeatmaps {

  /**
   * A class heatmap peak counts as a detection from this score on; CenterNet's decoders commonly
   * keep peaks above 0.2–0.3, and the pasted cut-outs of the synthetic benchmark peak at 0.25–0.5.
   */
  public static final double DEFAULT_LABEL_THRESHOLD = 0.2;

  private final int height;
  private final int width;
  private final int classes;
  private final float[] values;

  /** A detected class: its COCO label, channel and peak score. */
  public record Detection(String label, int classIndex, double score) {}

  public ClassHeatmaps(int height, int width, int classes, float[] values) {
    Objects.requireNonNull(values, "values");
    if ((long) height * width * classes != values.length) {
      throw new IllegalArgumentException(
          "class heatmaps of "
              + height
              + "x"
              + width
              + "x"
              + classes
              + " need "
              + (long) height * width * classes
              + " values, got "
              + values.length);
    }
    this.height = height;
    this.width = width;
    this.classes = classes;
    this.values = values;
  }

  public int height() {
    return height;
  }

  public int width() {
    return width;
  }

  /**
   * Objectness: at every position, the largest of the class heatmaps (how likely any COCO object is
   * centred there), row-major height × width.
   */
  public double[] objectness() {
    double[] out = new double[height * width];
    for (int p = 0; p < out.length; p++) {
      float m = values[p * classes];
      for (int c = 1; c < classes; c++) {
        m = Math.max(m, values[p * classes + c]);
      }
      out[p] = m;
    }
    return out;
  }

  /**
   * The strongest class whose heatmap peaks inside a box, if its score reaches {@code threshold}.
   * The box is in normalized coordinates of the picture (x1 ≤ x2, y1 ≤ y2, each in [0, 1]); a
   * position belongs to it when its cell centre does.
   */
  public Optional<Detection> strongestIn(
      double x1, double y1, double x2, double y2, double threshold) {
    int bestClass = -1;
    float best = Float.NEGATIVE_INFINITY;
    for (int r = 0; r < height; r++) {
      double cy = (r + 0.5) / height;
      if (cy < y1 || cy > y2) {
        continue;
      }
      for (int col = 0; col < width; col++) {
        double cx = (col + 0.5) / width;
        if (cx < x1 || cx > x2) {
          continue;
        }
        int base = (r * width + col) * classes;
        for (int c = 0; c < classes; c++) {
          if (values[base + c] > best) {
            best = values[base + c];
            bestClass = c;
          }
        }
      }
    }
    if (bestClass < 0 || best < threshold) {
      return Optional.empty();
    }
    String label =
        classes == CenterNet.COCO_LABELS.size()
            ? CenterNet.COCO_LABELS.get(bestClass)
            : "class " + bestClass;
    return Optional.of(new Detection(label, bestClass, best));
  }

  /**
   * The boxes, each labelled with the COCO class that {@link #strongestIn} finds in it at {@code
   * threshold}; a box where nothing reaches it keeps no label. Order and geometry are unchanged.
   */
  public List<HeatmapEvent.Box> label(List<HeatmapEvent.Box> boxes, double threshold) {
    List<HeatmapEvent.Box> out = new ArrayList<>(boxes.size());
    for (HeatmapEvent.Box b : boxes) {
      out.add(
          strongestIn(b.x1(), b.y1(), b.x2(), b.y2(), threshold)
              .map(d -> b.withLabel(d.label()))
              .orElse(b));
    }
    return out;
  }
}
