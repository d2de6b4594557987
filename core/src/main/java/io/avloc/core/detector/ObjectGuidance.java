package io.avloc.core.detector;

import io.avloc.core.artifact.InvalidArtifactException;
import io.avloc.core.artifact.ModelManifest;
import io.avloc.core.artifact.TensorSpec;
import io.avloc.core.heatmap.HeatmapPostProcessor;
import io.avloc.core.heatmap.ObjectGuidedLocalization;
import java.util.Optional;

/**
 * How a model's heatmaps use the detector that is its visual trunk: a model artifact whose graph
 * also outputs {@link DetectorTrunk#CLASS_HEATMAPS} gets EZ-VSL's object-guided localization (OGL,
 * {@code minmax(α·av + (1−α)·objectness)}, {@link ObjectGuidedLocalization}) with the detector's
 * objectness as the object map, and its boxes get the COCO class found in them. Every path that
 * turns a model's outputs into a map reads it from here (the streams app and {@code avloc serve}
 * through the model server's post-processing, {@code avloc eval} by default), so a model is scored
 * as it is served.
 *
 * @param alpha the weight of the audio-visual map ({@value #ALPHA_KEY} in the manifest's {@code
 *     network} table; {@link ObjectGuidedLocalization#DEFAULT_ALPHA}, the reference's, when absent)
 * @param height h of the class heatmaps (S/4)
 * @param width w of the class heatmaps
 * @param classes channels of the class heatmaps (80 COCO classes)
 */
public record ObjectGuidance(double alpha, int height, int width, int classes) {

  /** Key of {@link #alpha} in the manifest's {@code network} table. */
  public static final String ALPHA_KEY = "oglAlpha";

  public ObjectGuidance {
    if (!(alpha >= 0 && alpha <= 1)) {
      throw new IllegalArgumentException("the OGL weight must be in [0, 1], got " + alpha);
    }
    if (height <= 0 || width <= 0 || classes <= 0) {
      throw new IllegalArgumentException(
          "class heatmaps need positive sizes, got " + height + "x" + width + "x" + classes);
    }
  }

  /**
   * The guidance a manifest declares: present when its outputs include {@link
   * DetectorTrunk#CLASS_HEATMAPS}.
   *
   * @throws InvalidArtifactException when that output is not [N, h, w, classes] or the weight is
   *     not a number in [0, 1]
   */
  public static Optional<ObjectGuidance> of(ModelManifest manifest) {
    TensorSpec spec = manifest.outputs().get(DetectorTrunk.CLASS_HEATMAPS);
    if (spec == null) {
      return Optional.empty();
    }
    Object alpha = manifest.network().get(ALPHA_KEY);
    try {
      if (spec.rank() != 4 || spec.isSymbolic(1) || spec.isSymbolic(2) || spec.isSymbolic(3)) {
        throw new IllegalArgumentException(
            "output " + DetectorTrunk.CLASS_HEATMAPS + " must be [N, h, w, classes], got " + spec);
      }
      if (alpha != null && !(alpha instanceof Number)) {
        throw new IllegalArgumentException(ALPHA_KEY + " must be a number, not " + alpha);
      }
      return Optional.of(
          new ObjectGuidance(
              alpha == null
                  ? ObjectGuidedLocalization.DEFAULT_ALPHA
                  : ((Number) alpha).doubleValue(),
              Math.toIntExact(spec.size(1)),
              Math.toIntExact(spec.size(2)),
              Math.toIntExact(spec.size(3))));
    } catch (IllegalArgumentException e) {
      throw new InvalidArtifactException(
          "manifest of " + manifest.id() + ": " + e.getMessage() + "; re-export the model");
    }
  }

  /**
   * The detector's objectness (the largest class heatmap at each position) as an object map at
   * {@code outHeight × outWidth}: upsampled (bilinear, align_corners = True) and min-max
   * normalized.
   */
  public static double[] objectMap(ClassHeatmaps heatmaps, int outHeight, int outWidth) {
    return ObjectGuidedLocalization.objectMap(
        heatmaps.objectness(), heatmaps.height(), heatmaps.width(), outHeight, outWidth);
  }

  /**
   * One picture's localization: its raw audio-visual map mixed with the objectness of its class
   * heatmaps at weight {@link #alpha} ({@link HeatmapPostProcessor#processGuided}), and each box
   * labelled with the COCO class whose heatmap peaks in it at {@link
   * ClassHeatmaps#DEFAULT_LABEL_THRESHOLD} or more (none where nothing does: COCO has no
   * instruments or telephones).
   */
  public HeatmapPostProcessor.Localization localize(
      HeatmapPostProcessor post, float[] simmap, int height, int width, ClassHeatmaps objects) {
    HeatmapPostProcessor.Options o = post.options();
    HeatmapPostProcessor.Localization mixed =
        post.processGuided(simmap, height, width, objectMap(objects, o.height(), o.width()), alpha);
    return new HeatmapPostProcessor.Localization(
        mixed.grid(),
        mixed.peak(),
        objects.label(mixed.boxes(), ClassHeatmaps.DEFAULT_LABEL_THRESHOLD));
  }

  /** Floats of one picture's class heatmaps. */
  public int floats() {
    return height * width * classes;
  }

  /** Picture {@code i}'s class heatmaps out of a batch's concatenated output. */
  public ClassHeatmaps heatmaps(float[] batch, int i) {
    float[] own = new float[floats()];
    System.arraycopy(batch, i * own.length, own, 0, own.length);
    return new ClassHeatmaps(height, width, classes, own);
  }
}
