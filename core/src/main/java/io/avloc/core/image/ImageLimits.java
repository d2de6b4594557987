package io.avloc.core.image;

/**
 * The largest image avloc decodes, checked on the dimensions in the file's header before a pixel is
 * decoded: one rule for the streams app's ingest, {@code avloc serve}'s {@code /v1/localize} and
 * {@code avloc eval}. An image bomb (a 500 KB PNG of 13,000 × 13,000 pixels) is refused in
 * milliseconds instead of costing a minute of CPU and gigabytes of heap.
 *
 * <p>Why these numbers: inference needs a few hundred pixels a side (the model's input is 112–224
 * px), and frames are decoded subsampled towards that size ({@link ImageDecoder#decodeFor}), so
 * memory is bounded by the model input; CPU time is not (the codec still reads every source row),
 * hence a bound on pixels. 8K UHD (7680 × 4320, 33 M pixels) is the largest camera frame accepted.
 *
 * @param maxWidth widest accepted image, pixels
 * @param maxHeight tallest accepted image, pixels
 * @param maxPixels most pixels (width × height) accepted
 */
public record ImageLimits(int maxWidth, int maxHeight, long maxPixels) {

  /** 8192 px a side, 34 M pixels (8K UHD fits). */
  public static final ImageLimits DEFAULT = new ImageLimits(8192, 8192, 34_000_000L);

  public ImageLimits {
    if (maxWidth < 1 || maxHeight < 1 || maxPixels < 1) {
      throw new IllegalArgumentException(
          "image limits must be positive: " + maxWidth + "x" + maxHeight + ", " + maxPixels);
    }
  }

  /** Whether a width × height image is within the limits. */
  public boolean allows(int width, int height) {
    return width <= maxWidth && height <= maxHeight && (long) width * height <= maxPixels;
  }

  /**
   * Refuses an image over the limits.
   *
   * @param what names the image in the message, e.g. "frame payload (493 bytes)"
   * @throws ImageDecodeException with {@link ImageDecodeException.Problem#TOO_LARGE}
   */
  public void check(int width, int height, String what) {
    if (!allows(width, height)) {
      throw new ImageDecodeException(
          ImageDecodeException.Problem.TOO_LARGE,
          what
              + " is "
              + width
              + "x"
              + height
              + " pixels, over avloc's image limits ("
              + maxWidth
              + "x"
              + maxHeight
              + ", "
              + maxPixels
              + " pixels); the model needs only a few hundred pixels a side, so downscale the"
              + " image before sending it");
    }
  }
}
