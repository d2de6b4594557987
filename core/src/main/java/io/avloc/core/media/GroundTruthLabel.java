package io.avloc.core.media;

import io.avloc.core.event.HeatmapEvent;
import io.avloc.core.metrics.NormalizedBox;
import java.util.List;

/**
 * The ground truth of one frame, as carried by the {@code gt-*} headers ({@link
 * GroundTruthHeaders}): what sounds, where it is, and whether it is in the picture at all.
 * Synthetic cameras write it on their frames; the pipeline copies frame headers onto the heatmap
 * record, so a viewer can judge every heatmap against the truth of its own frame.
 *
 * @param gtClass the sounding object's class, or {@code null} when not given (nothing sounds)
 * @param boxes where the source is, normalized {@code x1,y1,x2,y2}; empty when off-screen or not
 *     given
 * @param visibility whether the source is on screen, or {@code null} when the record carries no
 *     usable ground truth (a real camera)
 */
public record GroundTruthLabel(String gtClass, List<NormalizedBox> boxes, Visibility visibility) {

  /** A record without ground truth. */
  public static final GroundTruthLabel NONE = new GroundTruthLabel(null, List.of(), null);

  /** Whether the sound source is in the picture. */
  public enum Visibility {
    ONSCREEN,
    OFFSCREEN
  }

  /** How a heatmap's peak compares with the ground truth. */
  public enum Outcome {
    /** The peak lies inside a ground-truth box. */
    HIT,
    /** The source is on screen and the peak lies outside every box. */
    MISS,
    /** The source is off-screen: nothing to point at. */
    OFFSCREEN,
    /** The source is on screen but the record has no box to check against. */
    UNLABELLED,
    /** The record carries no ground truth. */
    NONE
  }

  public GroundTruthLabel {
    boxes = List.copyOf(boxes);
    gtClass = gtClass == null || gtClass.isBlank() ? null : gtClass.strip();
    if (visibility == null && !boxes.isEmpty()) {
      throw new IllegalArgumentException("boxes without a visibility: " + boxes);
    }
    if (visibility == Visibility.OFFSCREEN && !boxes.isEmpty()) {
      throw new IllegalArgumentException("an off-screen source has no box, got " + boxes);
    }
  }

  /**
   * A source in view, in the given boxes.
   *
   * @throws IllegalArgumentException when {@code boxes} is empty: an on-screen source the writer
   *     knows about has a place
   */
  public static GroundTruthLabel onscreen(String soundClass, List<NormalizedBox> boxes) {
    if (boxes.isEmpty()) {
      throw new IllegalArgumentException("an on-screen source needs at least one box");
    }
    return new GroundTruthLabel(soundClass, boxes, Visibility.ONSCREEN);
  }

  /** A sound whose source is not in view. */
  public static GroundTruthLabel offscreen(String soundClass) {
    return new GroundTruthLabel(soundClass, List.of(), Visibility.OFFSCREEN);
  }

  /** Whether the record carried usable ground truth. */
  public boolean present() {
    return visibility != null;
  }

  /** Whether the source is in the picture ({@code false} also without ground truth). */
  public boolean isOnscreen() {
    return visibility == Visibility.ONSCREEN;
  }

  /**
   * Judges a peak: inside any box (edges included) is a {@link Outcome#HIT}. Off-screen sources and
   * records without boxes are not judged.
   */
  public Outcome judge(HeatmapEvent.Peak peak) {
    if (visibility == null) {
      return Outcome.NONE;
    }
    if (visibility == Visibility.OFFSCREEN) {
      return Outcome.OFFSCREEN;
    }
    if (boxes.isEmpty()) {
      return Outcome.UNLABELLED;
    }
    for (NormalizedBox b : boxes) {
      if (peak.x() >= b.x1() && peak.x() <= b.x2() && peak.y() >= b.y1() && peak.y() <= b.y2()) {
        return Outcome.HIT;
      }
    }
    return Outcome.MISS;
  }
}
