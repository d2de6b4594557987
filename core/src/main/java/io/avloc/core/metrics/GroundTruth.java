package io.avloc.core.metrics;

import java.util.List;
import java.util.Objects;

/**
 * Ground-truth maps of the localization benchmarks (docs/methods.md §6.1, the reference's {@code
 * load_all_bboxes} and {@code bbox2gtmap}). Maps are row-major (height, width); the protocol uses
 * {@value #SIZE}×{@value #SIZE}, the test-time image size.
 */
public final class GroundTruth {
  /** Height and width of the protocol's maps. */
  public static final int SIZE = 224;

  /** Flickr-SoundNet boxes are annotated on 256×256 images. */
  public static final int FLICKR_ANNOTATION_SIZE = 256;

  private GroundTruth() {}

  /** {@link #vggss(List, int, int)} at 224×224. */
  public static double[] vggss(List<NormalizedBox> boxes) {
    return vggss(boxes, SIZE, SIZE);
  }

  /**
   * The binary union of VGG-SS boxes. Each coordinate is clipped to [0, 1], multiplied by the width
   * (x) or height (y) and truncated to an integer; the box then covers rows {@code y1..y2−1} and
   * columns {@code x1..x2−1} (NumPy's {@code gt[y1:y2, x1:x2] = 1}). No boxes gives an all-zero
   * map, which scores cIoU 0 for every prediction.
   */
  public static double[] vggss(List<NormalizedBox> boxes, int height, int width) {
    Objects.requireNonNull(boxes, "boxes");
    requirePositive(height, width);
    double[] map = new double[height * width];
    for (NormalizedBox b : boxes) {
      fill(
          map,
          height,
          width,
          toPixel(b.x1(), width),
          toPixel(b.y1(), height),
          toPixel(b.x2(), width),
          toPixel(b.y2(), height));
    }
    for (int i = 0; i < map.length; i++) {
      map[i] = map[i] > 0 ? 1 : 0;
    }
    return map;
  }

  /** {@link #flickr(List, int, int)} at 224×224. */
  public static double[] flickr(List<PixelBox> annotatorBoxes) {
    return flickr(annotatorBoxes, SIZE, SIZE);
  }

  /**
   * The Flickr-SoundNet consensus map from the annotators' boxes in the 256×256 annotation frame.
   * Each coordinate maps to {@code floor(size·v/256)} (width for x, height for y); each box covers
   * rows {@code ymin..ymax−1}, columns {@code xmin..xmax−1}; then G = (number of boxes covering the
   * pixel) / 2, capped at 1. With the usual one box per annotator, a pixel marked by one annotator
   * is worth 0.5 and by two or more 1.0.
   */
  public static double[] flickr(List<PixelBox> annotatorBoxes, int height, int width) {
    Objects.requireNonNull(annotatorBoxes, "annotatorBoxes");
    requirePositive(height, width);
    double[] map = new double[height * width];
    for (PixelBox b : annotatorBoxes) {
      fill(
          map,
          height,
          width,
          rescale(b.xmin(), width),
          rescale(b.ymin(), height),
          rescale(b.xmax(), width),
          rescale(b.ymax(), height));
    }
    for (int i = 0; i < map.length; i++) {
      map[i] = Math.min(map[i] / 2, 1);
    }
    return map;
  }

  /** NumPy's {@code (np.clip(v, 0, 1) * size).astype(int)}. */
  private static int toPixel(double v, int size) {
    return (int) (Math.min(Math.max(v, 0), 1) * size);
  }

  /** Python's {@code int(size * v / 256)}: exact in integers for v ≥ 0. */
  private static int rescale(int v, int size) {
    return (int) ((long) size * v / FLICKR_ANNOTATION_SIZE);
  }

  /** Adds 1 to {@code map[y0:y1, x0:x1]} with NumPy's slicing rules for non-negative bounds. */
  private static void fill(double[] map, int height, int width, int x0, int y0, int x1, int y1) {
    int xEnd = Math.min(x1, width);
    int yEnd = Math.min(y1, height);
    for (int y = y0; y < yEnd; y++) {
      for (int x = x0; x < xEnd; x++) {
        map[y * width + x] += 1;
      }
    }
  }

  private static void requirePositive(int height, int width) {
    if (height <= 0 || width <= 0) {
      throw new IllegalArgumentException(
          "map size must be positive, got " + height + "x" + width + " (height x width)");
    }
  }
}
