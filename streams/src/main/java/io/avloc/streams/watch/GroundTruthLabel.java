package io.avloc.streams.watch;

import io.avloc.core.event.HeatmapEvent;
import io.avloc.core.metrics.NormalizedBox;
import io.avloc.streams.feed.GroundTruthHeaders;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Ground truth that synthetic cameras attach to their frames and the pipeline copies onto the
 * heatmap record: what sounds ({@code gt-class}), where ({@code gt-boxes}) and whether it is in the
 * picture at all ({@code gt-onscreen}). The header names are defined once, in {@link
 * GroundTruthHeaders}; this reader is lenient (malformed boxes are skipped) because a viewer should
 * show what it can.
 *
 * @param gtClass the sounding object's class, or {@code null} when not given
 * @param boxes where the source is, normalized {@code x1,y1,x2,y2} with corners in order; empty
 *     when off-screen or not given
 * @param visibility whether the source is on screen, or {@code null} when the record carries no
 *     usable ground truth
 */
public record GroundTruthLabel(String gtClass, List<NormalizedBox> boxes, Visibility visibility) {

  /** Header: the class of the sounding object, e.g. {@code dog}. */
  public static final String CLASS = GroundTruthHeaders.CLASS;

  /**
   * Header: the source's boxes, normalized {@code x1,y1,x2,y2}, several separated by {@code ;},
   * empty when the source is off-screen.
   */
  public static final String BOXES = GroundTruthHeaders.BOXES;

  /** Header: {@code true} when the source is in the picture, {@code false} when off-screen. */
  public static final String ONSCREEN = GroundTruthHeaders.ONSCREEN;

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
  }

  /** Whether the record carried usable ground truth. */
  public boolean present() {
    return visibility != null;
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

  /**
   * Reads the {@code gt-*} headers. {@code gt-onscreen} decides visibility when present; without
   * it, a {@code gt-boxes} header decides (boxes: on screen; empty: off-screen). Malformed boxes
   * are skipped; a record with only {@code gt-class} carries a class but no usable ground truth.
   */
  public static GroundTruthLabel fromHeaders(Headers headers) {
    if (headers == null) {
      return NONE;
    }
    String cls = last(headers, CLASS);
    String boxesText = last(headers, BOXES);
    String onscreenText = last(headers, ONSCREEN);
    if (cls == null && boxesText == null && onscreenText == null) {
      return NONE;
    }
    List<NormalizedBox> boxes = boxesText == null ? List.of() : parseBoxes(boxesText);
    Visibility visibility = parseVisibility(onscreenText);
    if (visibility == null && boxesText != null) {
      visibility = boxes.isEmpty() ? Visibility.OFFSCREEN : Visibility.ONSCREEN;
    }
    if (visibility == Visibility.OFFSCREEN) {
      boxes = List.of();
    }
    String c = cls == null || cls.isBlank() ? null : cls.strip();
    return new GroundTruthLabel(c, boxes, visibility);
  }

  /**
   * Parses {@code x1,y1,x2,y2;x1,y1,x2,y2...}: coordinates are clipped to [0, 1] and corners put in
   * order; entries that are not four numbers are skipped.
   */
  public static List<NormalizedBox> parseBoxes(String text) {
    List<NormalizedBox> out = new ArrayList<>();
    for (String part : text.split(";")) {
      String[] v = part.trim().split("\\s*,\\s*");
      if (v.length != 4) {
        continue;
      }
      try {
        double x1 = clip(Double.parseDouble(v[0]));
        double y1 = clip(Double.parseDouble(v[1]));
        double x2 = clip(Double.parseDouble(v[2]));
        double y2 = clip(Double.parseDouble(v[3]));
        out.add(
            new NormalizedBox(
                Math.min(x1, x2), Math.min(y1, y2), Math.max(x1, x2), Math.max(y1, y2)));
      } catch (NumberFormatException e) {
        // skipped: a viewer shows what it can
      }
    }
    return out;
  }

  private static Visibility parseVisibility(String text) {
    if (text == null) {
      return null;
    }
    switch (text.strip().toLowerCase(Locale.ROOT)) {
      case "true":
      case "1":
      case "yes":
        return Visibility.ONSCREEN;
      case "false":
      case "0":
      case "no":
        return Visibility.OFFSCREEN;
      default:
        return null;
    }
  }

  private static double clip(double v) {
    if (Double.isNaN(v)) {
      throw new NumberFormatException("NaN");
    }
    return Math.max(0, Math.min(1, v));
  }

  private static String last(Headers headers, String name) {
    Header h = headers.lastHeader(name);
    return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }
}
