package io.avloc.streams.feed;

import io.avloc.core.metrics.NormalizedBox;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Ground truth that synthetic cameras attach to each frame on {@code avloc.frames}, as UTF-8 Kafka
 * headers next to the contract's {@code ts-us} and {@code format}. The streams app copies frame
 * headers onto the heatmap record, so a consumer of {@code avloc.heatmaps} can score every heatmap
 * against the truth of its frame.
 *
 * <table>
 *   <caption>Ground-truth headers</caption>
 *   <tr><th>header</th><th>value</th><th>example</th></tr>
 *   <tr><td>{@value #CLASS}</td><td>class of the object making the sound; empty when nothing
 *       sounds</td><td>{@code dog}</td></tr>
 *   <tr><td>{@value #BOXES}</td><td>the visible boxes of the sounding object(s) as normalized
 *       {@code x1,y1,x2,y2} (fractions of the frame width and height, origin top-left, x2/y2
 *       exclusive), {@code ;}-separated; empty when the source is off-screen</td>
 *       <td>{@code 0.125001,0.304167,0.415626,0.716667}</td></tr>
 *   <tr><td>{@value #ONSCREEN}</td><td>{@code true} when the sounding object is visible in the
 *       frame, {@code false} when the sound comes from off-screen (then {@value #BOXES} is
 *       empty)</td><td>{@code true}</td></tr>
 * </table>
 *
 * <p>Coordinates are pixel edges written with six decimals: a box covering pixel columns {@code
 * a..b} of a frame {@code W} pixels wide is written as {@code x1 = a / W} and {@code x2 = (b + 1) /
 * W}, each rounded <em>up</em> to just above the exact fraction (by at most 1.1 · 10⁻⁶), so that
 * {@code floor(x * W)} gives back {@code a} and {@code b + 1} (the VGG-SS convention of {@link
 * io.avloc.core.metrics.GroundTruth#vggss}) despite floating-point rounding.
 */
public final class GroundTruthHeaders {
  private GroundTruthHeaders() {}

  /** Class of the sounding object ({@code dog}, {@code violin}, ...); empty when silent. */
  public static final String CLASS = "gt-class";

  /**
   * Normalized {@code x1,y1,x2,y2} boxes of the visible sounding object(s), {@code ;}-separated.
   */
  public static final String BOXES = "gt-boxes";

  /** {@code true} when the sounding object is in view, {@code false} when it is off-screen. */
  public static final String ONSCREEN = "gt-onscreen";

  /**
   * The ground truth of one frame.
   *
   * @param soundClass class of the sounding object, empty when nothing sounds
   * @param boxes visible boxes of the sounding object(s); empty when off-screen
   * @param onscreen whether the sounding object is visible
   */
  public record Truth(String soundClass, List<NormalizedBox> boxes, boolean onscreen) {
    public Truth {
      Objects.requireNonNull(soundClass, "soundClass");
      boxes = List.copyOf(boxes);
      if (onscreen == boxes.isEmpty()) {
        throw new IllegalArgumentException(
            "an on-screen source needs at least one box and an off-screen one none: onscreen="
                + onscreen
                + ", boxes="
                + boxes);
      }
    }

    /** A sound whose source is not in view. */
    public static Truth offscreen(String soundClass) {
      return new Truth(soundClass, List.of(), false);
    }
  }

  /** Writes the three headers, replacing earlier values. */
  public static void write(Headers headers, Truth truth) {
    put(headers, CLASS, truth.soundClass());
    put(headers, BOXES, formatBoxes(truth.boxes()));
    put(headers, ONSCREEN, Boolean.toString(truth.onscreen()));
  }

  /**
   * Reads the headers back.
   *
   * @return the truth, or {@code null} when the record carries no {@value #ONSCREEN} header (a real
   *     camera)
   * @throws IllegalArgumentException when the headers are present but malformed
   */
  public static Truth read(Headers headers) {
    String onscreen = get(headers, ONSCREEN);
    if (onscreen == null) {
      return null;
    }
    if (!onscreen.equals("true") && !onscreen.equals("false")) {
      throw new IllegalArgumentException(
          "header '" + ONSCREEN + "' is '" + onscreen + "'; expected 'true' or 'false'");
    }
    String cls = get(headers, CLASS);
    String boxes = get(headers, BOXES);
    return new Truth(
        cls == null ? "" : cls,
        parseBoxes(boxes == null ? "" : boxes),
        Boolean.parseBoolean(onscreen));
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
   * Parses the {@value #BOXES} value.
   *
   * @throws IllegalArgumentException when a box does not have four numbers
   */
  public static List<NormalizedBox> parseBoxes(String value) {
    List<NormalizedBox> out = new ArrayList<>();
    if (value.isBlank()) {
      return out;
    }
    for (String box : value.split(";")) {
      String[] c = box.trim().split(",");
      if (c.length != 4) {
        throw new IllegalArgumentException(
            "header '" + BOXES + "' has a box '" + box + "' without four numbers x1,y1,x2,y2");
      }
      try {
        out.add(
            new NormalizedBox(
                Double.parseDouble(c[0].trim()),
                Double.parseDouble(c[1].trim()),
                Double.parseDouble(c[2].trim()),
                Double.parseDouble(c[3].trim())));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "header '" + BOXES + "' has a box '" + box + "' with a value that is not a number", e);
      }
    }
    return out;
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

  private static String decimal(double v) {
    return new BigDecimal(v).setScale(6, RoundingMode.HALF_UP).toPlainString();
  }

  private static void put(Headers headers, String key, String value) {
    headers.remove(key);
    headers.add(key, value.getBytes(StandardCharsets.UTF_8));
  }

  private static String get(Headers headers, String key) {
    Header h = headers.lastHeader(key);
    return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }
}
