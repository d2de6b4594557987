package io.avloc.core.media;

import io.avloc.core.metrics.NormalizedBox;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The ground-truth header contract: how a {@link GroundTruthLabel} travels as UTF-8 Kafka headers
 * on {@code avloc.frames}, next to {@link AvlocHeaders#TS_US} and {@link AvlocHeaders#FORMAT}. The
 * streams app copies frame headers onto the heatmap record, so a consumer of {@code avloc.heatmaps}
 * can score every heatmap against the truth of its frame. This is the one writer and the one parser
 * of these headers.
 *
 * <table>
 *   <caption>Ground-truth headers</caption>
 *   <tr><th>header</th><th>value</th><th>example</th></tr>
 *   <tr><td>{@value AvlocHeaders#GT_CLASS}</td><td>class of the object making the sound; empty
 *       when nothing sounds</td><td>{@code dog}</td></tr>
 *   <tr><td>{@value AvlocHeaders#GT_BOXES}</td><td>the visible boxes of the sounding object(s) as
 *       normalized {@code x1,y1,x2,y2} (fractions of the frame width and height, origin top-left,
 *       x2/y2 exclusive), {@code ;}-separated; empty when the source is off-screen</td>
 *       <td>{@code 0.125001,0.304167,0.415626,0.716667}</td></tr>
 *   <tr><td>{@value AvlocHeaders#GT_ONSCREEN}</td><td>{@code true} when the sounding object is
 *       visible in the frame, {@code false} when the sound comes from off-screen (then the boxes
 *       are empty)</td><td>{@code true}</td></tr>
 * </table>
 *
 * <p>Coordinates are pixel edges written with six decimals: a box covering pixel columns {@code
 * a..b} of a frame {@code W} pixels wide is written as {@code x1 = a / W} and {@code x2 = (b + 1) /
 * W}, each rounded <em>up</em> to just above the exact fraction (by at most 1.1 · 10⁻⁶), so that
 * {@code floor(x * W)} gives back {@code a} and {@code b + 1} (the VGG-SS convention of {@link
 * io.avloc.core.metrics.GroundTruth#vggss}) despite floating-point rounding.
 *
 * <p>Two ways to read, one parser ({@link Parsing}): producers' tests and tools check the contract
 * {@link Parsing#STRICT strictly}; a viewer reads {@link Parsing#LENIENT leniently}, because it
 * should show what it can of a third-party producer's headers rather than nothing.
 */
public final class GroundTruthHeaders {
  private GroundTruthHeaders() {}

  /** Class of the sounding object ({@code dog}, {@code violin}, ...); empty when silent. */
  public static final String CLASS = AvlocHeaders.GT_CLASS;

  /**
   * Normalized {@code x1,y1,x2,y2} boxes of the visible sounding object(s), {@code ;}-separated.
   */
  public static final String BOXES = AvlocHeaders.GT_BOXES;

  /** {@code true} when the sounding object is in view, {@code false} when it is off-screen. */
  public static final String ONSCREEN = AvlocHeaders.GT_ONSCREEN;

  /** How malformed ground truth is treated. */
  public enum Parsing {
    /**
     * The contract as written: {@value #ONSCREEN} is {@code true} or {@code false} and present
     * whenever another {@code gt-*} header is, every box is four numbers with ordered corners, an
     * on-screen source has a box and an off-screen one none. Anything else is an {@link
     * IllegalArgumentException} naming the header.
     */
    STRICT,
    /**
     * Show what can be shown: {@code yes/no/1/0} are accepted, malformed boxes are skipped,
     * coordinates clipped to [0, 1] and corners put in order; without {@value #ONSCREEN} the boxes
     * decide (boxes: on screen; empty: off-screen); an unreadable visibility gives a class but no
     * usable ground truth. Never throws.
     */
    LENIENT
  }

  /** The three headers of a label with ground truth, in order, as text. */
  public static Map<String, String> asText(GroundTruthLabel label) {
    if (!label.present()) {
      throw new IllegalArgumentException("a label without ground truth has no headers");
    }
    Map<String, String> out = new LinkedHashMap<>();
    out.put(CLASS, label.gtClass() == null ? "" : label.gtClass());
    out.put(BOXES, formatBoxes(label.boxes()));
    out.put(ONSCREEN, Boolean.toString(label.isOnscreen()));
    return out;
  }

  /** Writes the three headers, replacing earlier values. */
  public static void write(Headers headers, GroundTruthLabel label) {
    for (Map.Entry<String, String> e : asText(label).entrySet()) {
      headers.remove(e.getKey());
      headers.add(e.getKey(), e.getValue().getBytes(StandardCharsets.UTF_8));
    }
  }

  /**
   * Reads the headers.
   *
   * @return the label, or {@link GroundTruthLabel#NONE} when the record carries no {@code gt-*}
   *     header (a real camera)
   * @throws IllegalArgumentException in {@link Parsing#STRICT} mode, when the headers are present
   *     but break the contract
   */
  public static GroundTruthLabel read(Headers headers, Parsing parsing) {
    if (headers == null) {
      return GroundTruthLabel.NONE;
    }
    String cls = text(headers, CLASS);
    String boxesText = text(headers, BOXES);
    String onscreenText = text(headers, ONSCREEN);
    if (cls == null && boxesText == null && onscreenText == null) {
      return GroundTruthLabel.NONE;
    }
    List<NormalizedBox> boxes = boxesText == null ? List.of() : parseBoxes(boxesText, parsing);
    GroundTruthLabel.Visibility visibility = parseVisibility(onscreenText, parsing);
    if (parsing == Parsing.STRICT) {
      boolean onscreen = visibility == GroundTruthLabel.Visibility.ONSCREEN;
      if (onscreen == boxes.isEmpty()) {
        throw new IllegalArgumentException(
            "header '"
                + ONSCREEN
                + "' is '"
                + onscreenText
                + "' but '"
                + BOXES
                + "' has "
                + boxes.size()
                + " box(es): an on-screen source needs at least one box, an off-screen one none");
      }
      return new GroundTruthLabel(cls, boxes, visibility);
    }
    if (visibility == null && boxesText != null) {
      visibility =
          boxes.isEmpty()
              ? GroundTruthLabel.Visibility.OFFSCREEN
              : GroundTruthLabel.Visibility.ONSCREEN;
    }
    if (visibility != GroundTruthLabel.Visibility.ONSCREEN) {
      boxes = List.of();
    }
    return new GroundTruthLabel(cls, boxes, visibility);
  }

  /** {@code x1,y1,x2,y2;x1,y1,x2,y2...} with six decimals rounded up; empty for no boxes. */
  public static String formatBoxes(List<NormalizedBox> boxes) {
    StringBuilder sb = new StringBuilder();
    for (NormalizedBox b : boxes) {
      if (sb.length() > 0) {
        sb.append(';');
      }
      sb.append(decimal(b.x1()))
          .append(',')
          .append(decimal(b.y1()))
          .append(',')
          .append(decimal(b.x2()))
          .append(',')
          .append(decimal(b.y2()));
    }
    return sb.toString();
  }

  /**
   * Parses the {@value #BOXES} value; blank is no box.
   *
   * @throws IllegalArgumentException in {@link Parsing#STRICT} mode, when a box is not four numbers
   *     or its corners are out of order
   */
  public static List<NormalizedBox> parseBoxes(String value, Parsing parsing) {
    List<NormalizedBox> out = new ArrayList<>();
    if (value.isBlank()) {
      return out;
    }
    for (String box : value.split(";")) {
      NormalizedBox b = parseBox(box, parsing);
      if (b != null) {
        out.add(b);
      }
    }
    return out;
  }

  private static NormalizedBox parseBox(String box, Parsing parsing) {
    boolean strict = parsing == Parsing.STRICT;
    String[] c = box.trim().split("\\s*,\\s*");
    if (c.length != 4) {
      if (strict) {
        throw new IllegalArgumentException(
            "header '" + BOXES + "' has a box '" + box + "' without four numbers x1,y1,x2,y2");
      }
      return null;
    }
    double[] v = new double[4];
    for (int i = 0; i < 4; i++) {
      try {
        v[i] = Double.parseDouble(c[i]);
      } catch (NumberFormatException e) {
        v[i] = Double.NaN;
      }
      if (!Double.isFinite(v[i])) {
        if (strict) {
          throw new IllegalArgumentException(
              "header '" + BOXES + "' has a box '" + box + "' with a value that is not a number");
        }
        return null;
      }
    }
    if (strict) {
      if (v[2] < v[0] || v[3] < v[1]) {
        throw new IllegalArgumentException(
            "header '"
                + BOXES
                + "' has a box '"
                + box
                + "' whose corners are out of order; expected x1 <= x2 and y1 <= y2");
      }
      return new NormalizedBox(v[0], v[1], v[2], v[3]);
    }
    double x1 = clip(v[0]);
    double y1 = clip(v[1]);
    double x2 = clip(v[2]);
    double y2 = clip(v[3]);
    return new NormalizedBox(
        Math.min(x1, x2), Math.min(y1, y2), Math.max(x1, x2), Math.max(y1, y2));
  }

  /**
   * The normalized box of pixel columns {@code left..right} and rows {@code top..bottom}
   * (inclusive) in a {@code width}×{@code height} frame, with exact fractions rounded up to six
   * decimals.
   */
  public static NormalizedBox pixelBox(
      int left, int top, int right, int bottom, int width, int height) {
    if (left < 0 || top < 0 || right < left || bottom < top || right >= width || bottom >= height) {
      throw new IllegalArgumentException(
          "pixel box "
              + left
              + ","
              + top
              + ".."
              + right
              + ","
              + bottom
              + " is not inside a "
              + width
              + "x"
              + height
              + " frame");
    }
    return new NormalizedBox(
        ratio(left, width), ratio(top, height), ratio(right + 1, width), ratio(bottom + 1, height));
  }

  private static GroundTruthLabel.Visibility parseVisibility(String text, Parsing parsing) {
    if (parsing == Parsing.STRICT) {
      if (text == null) {
        throw new IllegalArgumentException(
            "the record has ground truth ('"
                + CLASS
                + "' or '"
                + BOXES
                + "') but no '"
                + ONSCREEN
                + "' header; expected 'true' or 'false'");
      }
      return switch (text) {
        case "true" -> GroundTruthLabel.Visibility.ONSCREEN;
        case "false" -> GroundTruthLabel.Visibility.OFFSCREEN;
        default ->
            throw new IllegalArgumentException(
                "header '" + ONSCREEN + "' is '" + text + "'; expected 'true' or 'false'");
      };
    }
    if (text == null) {
      return null;
    }
    return switch (text.strip().toLowerCase(Locale.ROOT)) {
      case "true", "1", "yes" -> GroundTruthLabel.Visibility.ONSCREEN;
      case "false", "0", "no" -> GroundTruthLabel.Visibility.OFFSCREEN;
      default -> null;
    };
  }

  /**
   * {@code num / den} rounded up to six decimals after adding 10⁻⁷, so that the decimal is strictly
   * above the exact fraction (by at most 1.1 · 10⁻⁶) and {@code floor(value * den)} is {@code num}
   * even after the rounding of a double multiplication.
   */
  private static double ratio(int num, int den) {
    return BigDecimal.valueOf(num)
        .divide(BigDecimal.valueOf(den), 7, RoundingMode.FLOOR)
        .add(BigDecimal.valueOf(1, 7))
        .setScale(6, RoundingMode.CEILING)
        .doubleValue();
  }

  private static double clip(double v) {
    return Math.max(0, Math.min(1, v));
  }

  private static String decimal(double v) {
    return new BigDecimal(v).setScale(6, RoundingMode.HALF_UP).toPlainString();
  }

  private static String text(Headers headers, String key) {
    Header h = headers.lastHeader(key);
    return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }
}
