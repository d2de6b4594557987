package io.avloc.core.image;

import ai.djl.ndarray.types.Shape;
import java.util.Objects;

/**
 * Test-time (and serving) image preprocessing, as the reference test loader: resize to exactly
 * size×size with PIL-compatible bicubic ({@link BicubicResizer}; the aspect ratio is <b>not</b>
 * preserved), then {@link ImageNormalizer#IMAGENET} normalization. Output: {@code float[3 * size *
 * size]}, CHW, RGB, for an {@code NDArray} of {@link #shape()} (3, size, size).
 *
 * <p>Given the same decoded pixels, the output is bit-identical to the reference {@code
 * Resize((size, size), BICUBIC)}, {@code ToTensor()}, {@code Normalize(...)} with Pillow 9.4
 * (checked in {@code ImagePreprocessorTest} against Pillow's resize of the test photo).
 *
 * <p>Ground-truth boxes of the evaluation sets are defined in this size×size frame. Size 224 is the
 * papers' setting; smaller networks (the "lite" preset) use e.g. 112 or 128. Thread-safe.
 */
public final class ImagePreprocessor {

  /** The input size of the reference networks. */
  public static final int DEFAULT_SIZE = 224;

  private final int size;
  private final ImageNormalizer normalizer;

  /** 224×224, ImageNet normalization. */
  public ImagePreprocessor() {
    this(DEFAULT_SIZE);
  }

  /** size×size, ImageNet normalization. */
  public ImagePreprocessor(int size) {
    this(size, ImageNormalizer.IMAGENET);
  }

  public ImagePreprocessor(int size, ImageNormalizer normalizer) {
    if (size < 1) {
      throw new IllegalArgumentException("size must be positive, got " + size);
    }
    this.size = size;
    this.normalizer = Objects.requireNonNull(normalizer, "normalizer");
  }

  /** Output side length, pixels. */
  public int size() {
    return size;
  }

  /** The output's shape: (3, size, size). */
  public Shape shape() {
    return new Shape(3, size, size);
  }

  /** Decodes JPEG/PNG bytes and preprocesses them; see {@link ImageDecoder} for failures. */
  public float[] preprocess(byte[] encoded) {
    return preprocess(ImageDecoder.decode(encoded));
  }

  /** Returns a new {@code float[3 * size * size]} in CHW order. */
  public float[] preprocess(RgbImage image) {
    float[] out = new float[3 * size * size];
    preprocess(image, out, 0);
    return out;
  }

  /** Writes {@code 3 * size * size} floats (CHW) into {@code dst} from {@code offset}. */
  public void preprocess(RgbImage image, float[] dst, int offset) {
    BicubicResizer.resizeToChw(image, size, size, normalizer, dst, offset);
  }

  /** The resized 8-bit image (size×size) before normalization. */
  public RgbImage resize(RgbImage image) {
    return BicubicResizer.resize(image, size, size);
  }
}
