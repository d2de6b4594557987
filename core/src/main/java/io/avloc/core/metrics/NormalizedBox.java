package io.avloc.core.metrics;

/**
 * A box as stored in VGG-SS's {@code vggss.json}: {@code [x1, y1, x2, y2]} as fractions of the
 * image width and height, origin top-left. Values outside [0, 1] and out-of-order corners are
 * accepted here, as in the annotation file; {@link GroundTruth#vggss} clips the coordinates and an
 * out-of-order box covers nothing.
 */
public record NormalizedBox(double x1, double y1, double x2, double y2) {
  public NormalizedBox {
    if (!(Double.isFinite(x1)
        && Double.isFinite(y1)
        && Double.isFinite(x2)
        && Double.isFinite(y2))) {
      throw new IllegalArgumentException(
          "box coordinates must be finite: [" + x1 + ", " + y1 + ", " + x2 + ", " + y2 + "]");
    }
  }
}
