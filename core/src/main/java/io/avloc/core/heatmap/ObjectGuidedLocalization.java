package io.avloc.core.heatmap;

import java.util.Objects;

/**
 * Object-guided localization, EZ-VSL's inference add-on (docs/methods.md §5 step 4): an
 * object-saliency map from a frozen ImageNet ResNet-18 is blended into the audio-visual map.
 *
 * <p>The network is not part of this class: the caller passes the layer4 output of the frozen,
 * eval-mode torchvision ResNet-18 (original ImageNet weights, not the fine-tuned visual encoder)
 * for the same normalized 224×224 image.
 */
public final class ObjectGuidedLocalization {
  /** The blend weight of the audio-visual map used by every EZ-VSL and FNAC test script. */
  public static final double DEFAULT_ALPHA = 0.4;

  private ObjectGuidedLocalization() {}

  /**
   * The object map: mean over channels of |x| at every position, upsampled with bilinear {@code
   * align_corners=True} (as {@code test.py} does, whatever the AV map's mode), then min-max
   * normalized.
   *
   * @param features row-major (channels, height, width) feature tensor, e.g. 512×7×7
   * @return the normalized object map, shape (outHeight, outWidth)
   */
  public static double[] objectMap(
      float[] features, int channels, int height, int width, int outHeight, int outWidth) {
    Objects.requireNonNull(features, "features");
    if (channels <= 0) {
      throw new IllegalArgumentException("channels must be positive, got " + channels);
    }
    MapShapes.requirePositive(height, width, "features");
    int plane = height * width;
    if ((long) channels * plane != features.length) {
      throw new IllegalArgumentException(
          String.format(
              "features of %dx%dx%d (channels x height x width) need %d values, got %d",
              channels, height, width, (long) channels * plane, features.length));
    }
    double[] saliency = new double[plane];
    for (int c = 0; c < channels; c++) {
      int offset = c * plane;
      for (int p = 0; p < plane; p++) {
        saliency[p] += Math.abs((double) features[offset + p]);
      }
    }
    for (int p = 0; p < plane; p++) {
      saliency[p] /= channels;
    }
    double[] upsampled =
        HeatmapUpsampler.upsample(
            saliency, height, width, outHeight, outWidth, Upsampling.BILINEAR_ALIGN_CORNERS);
    return MinMax.normalize(upsampled);
  }

  /**
   * An object map from per-position objectness scores (e.g. a detector's, the largest of its class
   * heatmaps at each position): upsampled with bilinear {@code align_corners=True}, as {@link
   * #objectMap(float[], int, int, int, int, int)}, then min-max normalized.
   *
   * @param objectness row-major (height, width)
   */
  public static double[] objectMap(
      double[] objectness, int height, int width, int outHeight, int outWidth) {
    MapShapes.require(objectness, height, width, "objectness");
    return MinMax.normalize(
        HeatmapUpsampler.upsample(
            objectness, height, width, outHeight, outWidth, Upsampling.BILINEAR_ALIGN_CORNERS));
  }

  /** {@link #mix(double[], double[], double)} with α = {@value #DEFAULT_ALPHA}. */
  public static double[] mix(double[] audioVisual, double[] object) {
    return mix(audioVisual, object, DEFAULT_ALPHA);
  }

  /**
   * The OGL map {@code minmax(α·av + (1−α)·obj)}.
   *
   * @param audioVisual the min-max normalized AV map, as in the reference
   * @param object the normalized object map from {@link #objectMap}, same shape
   * @param alpha weight of the audio-visual map, in [0, 1]
   */
  public static double[] mix(double[] audioVisual, double[] object, double alpha) {
    Objects.requireNonNull(audioVisual, "audioVisual");
    Objects.requireNonNull(object, "object");
    if (audioVisual.length != object.length) {
      throw new IllegalArgumentException(
          "maps differ in size: " + audioVisual.length + " vs " + object.length);
    }
    if (!(alpha >= 0 && alpha <= 1)) {
      throw new IllegalArgumentException("alpha must be in [0,1], got " + alpha);
    }
    double[] mixed = new double[audioVisual.length];
    for (int i = 0; i < mixed.length; i++) {
      mixed[i] = audioVisual[i] * alpha + object[i] * (1 - alpha);
    }
    return MinMax.normalize(mixed);
  }
}
