package io.avloc.viewer;

import io.avloc.core.event.HeatmapEvent;
import io.avloc.core.heatmap.HeatmapOverlay;
import io.avloc.core.image.ImageDecodeException;
import io.avloc.core.image.ImageDecoder;
import io.avloc.core.image.RgbImage;
import io.avloc.core.media.GroundTruthLabel;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.ToIntFunction;

/**
 * Draws a heatmap event over its frame with core's {@link HeatmapOverlay}: the event's grid as the
 * colour map, its boxes and peak, the ground-truth boxes, and, in a strip below the picture (so it
 * never hides the picture and is never cut off: lines wrap to the width), a caption with the
 * camera, model, peak, scores, how the peak compares with the ground truth, and why the frame is
 * missing when it is. Without a frame, the map is drawn on a dark canvas. Stateless and
 * thread-safe.
 */
public final class OverlayRenderer {

  private static final int MARGIN = 6;

  private final HeatmapOverlay overlay;

  public OverlayRenderer() {
    this(HeatmapOverlay.DEFAULT_ALPHA);
  }

  /**
   * @param alpha opacity of the colour map, in [0, 1]
   */
  public OverlayRenderer(double alpha) {
    this.overlay = new HeatmapOverlay(alpha);
  }

  /**
   * Decodes the frame (JPEG or PNG; {@code null} or undecodable: a dark canvas) and renders the
   * overlay as PNG bytes.
   */
  public byte[] renderPng(byte[] encodedFrame, HeatmapEvent event, GroundTruthLabel truth) {
    return renderPng(encodedFrame, event, truth, null);
  }

  /**
   * Like {@link #renderPng(byte[], HeatmapEvent, GroundTruthLabel)}, with the caption saying why
   * the frame is missing when the pairing is not {@linkplain FramePairing#paired() paired}.
   */
  public byte[] renderPng(
      byte[] encodedFrame, HeatmapEvent event, GroundTruthLabel truth, FramePairing pairing) {
    RgbImage frame = null;
    String missing = null;
    if (encodedFrame != null) {
      try {
        frame = ImageDecoder.decode(encodedFrame);
      } catch (ImageDecodeException e) {
        missing = "no frame: it could not be decoded (" + e.getMessage() + ")";
      }
    }
    if (pairing != null && !pairing.paired()) {
      missing = pairing.note();
    }
    return HeatmapOverlay.encodePng(render(frame, event, truth, missing));
  }

  /** Renders the overlay; {@code frame} may be {@code null}. */
  public BufferedImage render(RgbImage frame, HeatmapEvent event, GroundTruthLabel truth) {
    return render(frame, event, truth, null);
  }

  /**
   * Renders the overlay; {@code frame} may be {@code null}, then {@code missingNote} (or "no
   * frame") ends the caption.
   */
  public BufferedImage render(
      RgbImage frame, HeatmapEvent event, GroundTruthLabel truth, String missingNote) {
    Objects.requireNonNull(event, "event");
    GroundTruthLabel gt = truth == null ? GroundTruthLabel.NONE : truth;
    HeatmapEvent.Grid grid = event.grid();
    float[] values = grid.values();
    double[] map = new double[values.length];
    for (int i = 0; i < map.length; i++) {
      map[i] = values[i];
    }
    HeatmapOverlay.Marks marks =
        new HeatmapOverlay.Marks(event.boxes(), gt.boxes(), event.peak(), List.of());
    BufferedImage picture = overlay.render(frame, map, grid.h(), grid.w(), marks);
    String note = frame != null ? null : missingNote == null ? "no frame" : missingNote;
    return withCaption(picture, captionLines(event, gt, note));
  }

  /**
   * The picture with a caption strip below it. Text needs the platform's fonts; where a headless
   * JDK has none the picture is returned without the strip.
   */
  static BufferedImage withCaption(BufferedImage picture, List<String> lines) {
    int w = picture.getWidth();
    int h = picture.getHeight();
    try {
      Font font = new Font(Font.SANS_SERIF, Font.PLAIN, Math.max(11, Math.min(16, w / 40)));
      BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
      Graphics2D pg = probe.createGraphics();
      FontMetrics fm;
      try {
        pg.setFont(font);
        fm = pg.getFontMetrics();
      } finally {
        pg.dispose();
      }
      FontMetrics metrics = fm;
      List<String> wrapped = wrap(lines, metrics::stringWidth, w - 2 * MARGIN);
      int strip = wrapped.size() * metrics.getHeight() + 2 * MARGIN;
      BufferedImage out = new BufferedImage(w, h + strip, BufferedImage.TYPE_INT_RGB);
      Graphics2D g = out.createGraphics();
      try {
        g.drawImage(picture, 0, 0, null);
        g.setColor(new Color(0x16181c));
        g.fillRect(0, h, w, strip);
        g.setRenderingHint(
            RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setFont(font);
        g.setColor(Color.WHITE);
        for (int i = 0; i < wrapped.size(); i++) {
          g.drawString(
              wrapped.get(i), MARGIN, h + MARGIN + metrics.getAscent() + i * metrics.getHeight());
        }
      } finally {
        g.dispose();
      }
      return out;
    } catch (RuntimeException | InternalError | UnsatisfiedLinkError e) {
      // no usable font: the picture matters more than the caption
      return picture;
    }
  }

  /**
   * Wraps each line at spaces so that no line is wider than {@code maxWidth} as {@code width}
   * measures it; a single word wider than that is cut into pieces that fit.
   */
  static List<String> wrap(List<String> lines, ToIntFunction<String> width, int maxWidth) {
    List<String> out = new ArrayList<>();
    for (String line : lines) {
      StringBuilder current = new StringBuilder();
      for (String word : line.split(" ", -1)) {
        String candidate = current.length() == 0 ? word : current + " " + word;
        if (width.applyAsInt(candidate) <= maxWidth) {
          current.setLength(0);
          current.append(candidate);
          continue;
        }
        if (current.length() > 0) {
          out.add(current.toString().strip());
          current.setLength(0);
        }
        String rest = word;
        while (width.applyAsInt(rest) > maxWidth && rest.length() > 1) {
          int n = rest.length() - 1;
          while (n > 1 && width.applyAsInt(rest.substring(0, n)) > maxWidth) {
            n--;
          }
          out.add(rest.substring(0, n));
          rest = rest.substring(n);
        }
        current.append(rest);
      }
      if (!current.toString().isBlank()) {
        out.add(current.toString().strip());
      }
    }
    return out;
  }

  static List<String> captionLines(HeatmapEvent e, GroundTruthLabel gt, String note) {
    List<String> lines = new ArrayList<>();
    lines.add(
        String.format(
            Locale.ROOT,
            // no-break spaces keep each label with its value when the line wraps
            "%s  %s  peak\u00a0%.2f,%.2f  score\u00a0%.2f  av\u00a0%.2f",
            e.camera(),
            e.model(),
            e.peak().x(),
            e.peak().y(),
            e.peak().score(),
            e.avScore()));
    // COCO classes the model's detector found in the heatmap's boxes (ObjectGuidance), if any
    String labels =
        e.boxes().stream()
            .map(HeatmapEvent.Box::label)
            .filter(java.util.Objects::nonNull)
            .distinct()
            .collect(java.util.stream.Collectors.joining(", "));
    if (!labels.isEmpty()) {
      lines.add("in the boxes: " + labels);
    }
    if (gt.present()) {
      StringBuilder second = new StringBuilder();
      second.append("truth: ").append(gt.gtClass() == null ? "source" : gt.gtClass());
      switch (gt.judge(e.peak())) {
        case HIT -> second.append(" (peak inside)");
        case MISS -> second.append(" (peak outside)");
        case OFFSCREEN -> second.append(" (off-screen)");
        default -> second.append(" (on screen, no box)");
      }
      lines.add(second.toString());
    }
    if (note != null) {
      lines.add(note);
    }
    return lines;
  }
}
