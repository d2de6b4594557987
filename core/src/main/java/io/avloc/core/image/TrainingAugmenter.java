package io.avloc.core.image;

import ai.djl.ndarray.types.Shape;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Training-time image augmentation, as the reference training loader: resize so that the shorter
 * side is {@code int(size * 1.1)} (246 for 224) with the aspect ratio kept and PIL-compatible
 * bicubic, take a random size×size crop, mirror it left-right with probability 0.5, then apply
 * {@link ImageNormalizer#IMAGENET} normalization. Output: {@code float[3 * size * size]}, CHW, RGB.
 *
 * <p>All randomness comes from the {@link RandomGenerator} passed to each call, drawn in
 * torchvision's order (crop top, crop left, then the flip), so a seeded generator makes training
 * reproducible. The PyTorch reference draws from torch's global generator, so individual crops
 * cannot be identical to it; only their distribution is (uniform offsets, fair flip).
 *
 * <p>The longer side becomes {@code int(shortSide * longer / shorter)}, truncated, as torchvision's
 * {@code Resize(int)} computes it. Thread-safe if the generator passed in is used by one thread.
 */
public final class TrainingAugmenter {

  /** Where the crop lies in the resized image, and whether it is mirrored. */
  public record CropAndFlip(int left, int top, boolean mirrored) {}

  private final int size;
  private final int shortSide;
  private final ImageNormalizer normalizer;

  /** 224×224 crops from a 246 shorter side, ImageNet normalization. */
  public TrainingAugmenter() {
    this(ImagePreprocessor.DEFAULT_SIZE);
  }

  public TrainingAugmenter(int size) {
    this(size, ImageNormalizer.IMAGENET);
  }

  public TrainingAugmenter(int size, ImageNormalizer normalizer) {
    if (size < 1) {
      throw new IllegalArgumentException("size must be positive, got " + size);
    }
    this.size = size;
    this.shortSide = (int) (size * 1.1); // Python's int(size * 1.1): 246 for 224
    this.normalizer = Objects.requireNonNull(normalizer, "normalizer");
  }

  /** Crop side length, pixels. */
  public int size() {
    return size;
  }

  /** The output's shape: (3, size, size). */
  public Shape shape() {
    return new Shape(3, size, size);
  }

  /** The shorter side after the first resize: {@code int(size * 1.1)}. */
  public int shorterSide() {
    return shortSide;
  }

  /** Resize, random crop, random mirror, normalize: a new {@code float[3 * size * size]}. */
  public float[] augment(RgbImage image, RandomGenerator random) {
    float[] out = new float[3 * size * size];
    augment(image, random, out, 0);
    return out;
  }

  /**
   * As {@link #augment(RgbImage, RandomGenerator)}, writing into {@code dst} from {@code offset}.
   */
  public void augment(RgbImage image, RandomGenerator random, float[] dst, int offset) {
    RgbImage resized = resizeShorterSide(image);
    apply(resized, sample(resized.width(), resized.height(), random), dst, offset);
  }

  /** The first step: shorter side to {@link #shorterSide()}, aspect kept. */
  public RgbImage resizeShorterSide(RgbImage image) {
    int w = image.width();
    int h = image.height();
    if (w <= h) {
      return BicubicResizer.resize(image, shortSide, scaledLongSide(h, w));
    }
    return BicubicResizer.resize(image, scaledLongSide(w, h), shortSide);
  }

  // Python: int(short_side * long / short), true division in double, then truncation.
  private int scaledLongSide(int longer, int shorter) {
    return (int) ((double) ((long) shortSide * longer) / shorter);
  }

  /**
   * Draws a crop position uniformly among all size×size windows of a {@code width}×{@code height}
   * image, and a mirror flag with probability 0.5.
   */
  public CropAndFlip sample(int width, int height, RandomGenerator random) {
    if (width < size || height < size) {
      throw new IllegalArgumentException(
          "cannot crop " + size + "x" + size + " from a " + width + "x" + height + " image");
    }
    int top = random.nextInt(height - size + 1);
    int left = random.nextInt(width - size + 1);
    boolean mirrored = random.nextDouble() < 0.5;
    return new CropAndFlip(left, top, mirrored);
  }

  /** Crops, mirrors and normalizes an already resized image into a new array. */
  public float[] apply(RgbImage resized, CropAndFlip crop) {
    float[] out = new float[3 * size * size];
    apply(resized, crop, out, 0);
    return out;
  }

  /**
   * Crops, mirrors and normalizes an already resized image into {@code dst} from {@code offset}.
   */
  public void apply(RgbImage resized, CropAndFlip crop, float[] dst, int offset) {
    normalizer.toChw(resized, crop.left(), crop.top(), size, size, crop.mirrored(), dst, offset);
  }
}
