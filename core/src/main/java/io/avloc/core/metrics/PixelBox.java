package io.avloc.core.metrics;

/**
 * An integer pixel box {@code (xmin, ymin, xmax, ymax)}, end-exclusive like a NumPy slice {@code
 * [ymin:ymax, xmin:xmax]}, in the coordinate frame of its source (256×256 for Flickr-SoundNet
 * annotations). A box with {@code xmax ≤ xmin} or {@code ymax ≤ ymin} covers nothing.
 */
public record PixelBox(int xmin, int ymin, int xmax, int ymax) {
  public PixelBox {
    if (xmin < 0 || ymin < 0 || xmax < 0 || ymax < 0) {
      // A negative index would wrap around in the reference's NumPy slicing: never meaningful.
      throw new IllegalArgumentException(
          "box coordinates must be >= 0: (" + xmin + ", " + ymin + ", " + xmax + ", " + ymax + ")");
    }
  }
}
