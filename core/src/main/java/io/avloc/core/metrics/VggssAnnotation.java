package io.avloc.core.metrics;

import java.util.List;
import java.util.Objects;

/**
 * One entry of VGG-SS's {@code vggss.json}.
 *
 * @param file the clip id, {@code <YouTubeID>_<startSec>}
 * @param soundClass the VGGSound class name (the JSON field {@code class})
 * @param boxes the normalized boxes of the sounding object(s); empty when no source is on screen
 */
public record VggssAnnotation(String file, String soundClass, List<NormalizedBox> boxes) {
  public VggssAnnotation {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(soundClass, "soundClass");
    boxes = List.copyOf(boxes);
  }

  /** Whether the annotators found the sound source in the frame. */
  public boolean hasOnScreenSource() {
    return !boxes.isEmpty();
  }

  /** The 224×224 ground-truth map of this clip ({@link GroundTruth#vggss(List)}). */
  public double[] groundTruth() {
    return GroundTruth.vggss(boxes);
  }
}
