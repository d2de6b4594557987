package io.avloc.core.heatmap;

import io.avloc.core.event.HeatmapEvent;
import io.avloc.core.image.RgbImage;
import io.avloc.core.metrics.NormalizedBox;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import javax.imageio.ImageIO;

/**
 * Draws a localization map over its frame, for people to look at (the heatmap watcher's live view,
 * the evaluation's overlays): the map upsampled (bilinear, cell centres at their positions) to the
 * frame size and blended in as a semi-transparent jet colour map, an optional caption strip at the
 * top, then the predicted boxes in amber, the ground-truth boxes in green and the peak as a white
 * dot in a black ring. Without a frame, the map is drawn on a dark canvas of the map's aspect.
 * Frames wider than {@link #MAX_WIDTH} are scaled down first.
 *
 * <p>Any map size works, from an event's coarse grid to a full 224×224 map; values are read as [0,
 * 1] and clamped. Box and peak coordinates are normalized to the frame, so a map computed on a
 * resized (even aspect-distorted) copy of the frame lines up with the original. Stateless and
 * thread-safe.
 */
public final class HeatmapOverlay {

  /** Colour of the peak dot (RGB). */
  public static final int PEAK_RGB = 0xFFFFFF;

  /** Colour of the ring around the peak dot (RGB). */
  public static final int PEAK_RING_RGB = 0x000000;

  /** Colour of the predicted boxes (RGB). */
  public static final int BOX_RGB = 0xFFC000;

  /** Colour of the ground-truth boxes (RGB). */
  public static final int TRUTH_RGB = 0x00FF00;

  /** Width of the canvas when there is no frame. */
  public static final int CANVAS_WIDTH = 640;

  /** Frames wider than this are scaled down before drawing. */
  public static final int MAX_WIDTH = 1280;

  /** The default opacity of the colour map. */
  public static final double DEFAULT_ALPHA = 0.45;

  private static final int CANVAS_RGB = 0x202020;

  private final double alpha;

  /**
   * What is drawn on top of the colour map.
   *
   * @param boxes predicted regions (amber); their scores are not drawn
   * @param truth ground-truth boxes (green)
   * @param peak the hottest point, or {@code null} for none
   * @param caption lines of text for the caption strip; empty for no strip
   */
  public record Marks(
      List<HeatmapEvent.Box> boxes,
      List<NormalizedBox> truth,
      HeatmapEvent.Peak peak,
      List<String> caption) {
    /** Nothing but the colour map. */
    public static final Marks NONE = new Marks(List.of(), List.of(), null, List.of());

    public Marks {
      boxes = List.copyOf(boxes);
      truth = List.copyOf(truth);
      caption = List.copyOf(caption);
    }
  }

  public HeatmapOverlay() {
    this(DEFAULT_ALPHA);
  }

  /**
   * @param alpha opacity of the colour map, in [0, 1]
   */
  public HeatmapOverlay(double alpha) {
    if (!(alpha >= 0 && alpha <= 1)) {
      throw new IllegalArgumentException("alpha must be in [0,1], got " + alpha);
    }
    this.alpha = alpha;
  }

  /**
   * Renders the overlay.
   *
   * @param frame the picture, or {@code null} for a dark canvas
   * @param map row-major (height, width) map, values in [0, 1]
   */
  public BufferedImage render(RgbImage frame, double[] map, int height, int width, Marks marks) {
    MapShapes.requireLength(Objects.requireNonNull(map, "map").length, height, width, "map");
    Objects.requireNonNull(marks, "marks");
    BufferedImage canvas = canvas(frame, height, width);
    int w = canvas.getWidth();
    int h = canvas.getHeight();
    blendHeat(
        ((DataBufferInt) canvas.getRaster().getDataBuffer()).getData(), w, h, map, height, width);

    Graphics2D g = canvas.createGraphics();
    try {
      if (!marks.caption().isEmpty()) {
        caption(g, w, h, marks.caption());
      }
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_OFF);
      int t = lineWidth(w, h);
      g.setColor(new Color(BOX_RGB));
      for (HeatmapEvent.Box b : marks.boxes()) {
        drawBox(g, w, h, b.x1(), b.y1(), b.x2(), b.y2(), t);
      }
      g.setColor(new Color(TRUTH_RGB));
      for (NormalizedBox b : marks.truth()) {
        drawBox(g, w, h, b.x1(), b.y1(), b.x2(), b.y2(), t);
      }
      if (marks.peak() != null) {
        int r = markerRadius(w, h);
        // A peak at the border is drawn just inside it: a dot cut in half is easy to miss.
        int cx = inside(pixel(marks.peak().x(), w), r + 2, w);
        int cy = inside(pixel(marks.peak().y(), h), r + 2, h);
        g.setColor(new Color(PEAK_RING_RGB));
        g.fillOval(cx - r - 2, cy - r - 2, 2 * r + 5, 2 * r + 5);
        g.setColor(new Color(PEAK_RGB));
        g.fillOval(cx - r, cy - r, 2 * r + 1, 2 * r + 1);
      }
    } finally {
      g.dispose();
    }
    return canvas;
  }

  /** PNG bytes of an image. */
  public static byte[] encodePng(BufferedImage image) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
    try {
      if (!ImageIO.write(image, "png", out)) {
        throw new IllegalStateException("no PNG writer in this JDK");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** The pixel column (or row) of a normalized coordinate on an axis of {@code size} pixels. */
  public static int pixel(double normalized, int size) {
    return Math.max(0, Math.min(size - 1, (int) Math.floor(normalized * size)));
  }

  /** {@code p} moved at least {@code margin} pixels inside an axis of {@code size} pixels. */
  private static int inside(int p, int margin, int size) {
    return size <= 2 * margin ? size / 2 : Math.max(margin, Math.min(size - 1 - margin, p));
  }

  /** Radius in pixels of the peak dot on a {@code w×h} overlay. */
  public static int markerRadius(int w, int h) {
    return Math.max(3, Math.min(w, h) / 60);
  }

  /** Width in pixels of box outlines on a {@code w×h} overlay. */
  public static int lineWidth(int w, int h) {
    return Math.max(2, (int) Math.round(Math.min(w, h) / 160.0));
  }

  /** The jet colour (RGB) of a map value in [0, 1]: blue, cyan, green, yellow, red. */
  public static int jet(double v) {
    double x = Math.max(0, Math.min(1, v));
    int r = channel(1.5 - Math.abs(4 * x - 3));
    int g = channel(1.5 - Math.abs(4 * x - 2));
    int b = channel(1.5 - Math.abs(4 * x - 1));
    return (r << 16) | (g << 8) | b;
  }

  private static int channel(double v) {
    return (int) Math.round(255 * Math.max(0, Math.min(1, v)));
  }

  private static BufferedImage canvas(RgbImage frame, int mapHeight, int mapWidth) {
    if (frame == null) {
      int w = CANVAS_WIDTH;
      int h = Math.max(1, (int) Math.round((double) CANVAS_WIDTH * mapHeight / mapWidth));
      BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
      Arrays.fill(((DataBufferInt) img.getRaster().getDataBuffer()).getData(), CANVAS_RGB);
      return img;
    }
    int fw = frame.width();
    int fh = frame.height();
    BufferedImage full = new BufferedImage(fw, fh, BufferedImage.TYPE_INT_RGB);
    int[] dst = ((DataBufferInt) full.getRaster().getDataBuffer()).getData();
    byte[] src = frame.pixels();
    for (int i = 0, j = 0; i < dst.length; i++, j += 3) {
      dst[i] = ((src[j] & 0xff) << 16) | ((src[j + 1] & 0xff) << 8) | (src[j + 2] & 0xff);
    }
    if (fw <= MAX_WIDTH) {
      return full;
    }
    int w = MAX_WIDTH;
    int h = Math.max(1, (int) Math.round((double) fh * MAX_WIDTH / fw));
    BufferedImage scaled = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = scaled.createGraphics();
    try {
      g.setRenderingHint(
          RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.drawImage(full, 0, 0, w, h, null);
    } finally {
      g.dispose();
    }
    return scaled;
  }

  /** Blends the bilinearly upsampled map, as jet colours, into the pixels. */
  private void blendHeat(int[] px, int w, int h, double[] v, int gh, int gw) {
    int[] x0 = new int[w];
    int[] x1 = new int[w];
    double[] fx = new double[w];
    for (int x = 0; x < w; x++) {
      double sx = (x + 0.5) * gw / w - 0.5;
      int i = (int) Math.floor(sx);
      double f = sx - i;
      if (i < 0) {
        i = 0;
        f = 0;
      }
      if (i >= gw - 1) {
        i = gw - 1;
        f = 0;
      }
      x0[x] = i;
      x1[x] = Math.min(i + 1, gw - 1);
      fx[x] = f;
    }
    double a = alpha;
    for (int y = 0; y < h; y++) {
      double sy = (y + 0.5) * gh / h - 0.5;
      int j = (int) Math.floor(sy);
      double fy = sy - j;
      if (j < 0) {
        j = 0;
        fy = 0;
      }
      if (j >= gh - 1) {
        j = gh - 1;
        fy = 0;
      }
      int r0 = j * gw;
      int r1 = Math.min(j + 1, gh - 1) * gw;
      for (int x = 0; x < w; x++) {
        double top = v[r0 + x0[x]] * (1 - fx[x]) + v[r0 + x1[x]] * fx[x];
        double bottom = v[r1 + x0[x]] * (1 - fx[x]) + v[r1 + x1[x]] * fx[x];
        int heat = jet(top * (1 - fy) + bottom * fy);
        int p = px[y * w + x];
        px[y * w + x] =
            (mix((p >> 16) & 0xff, (heat >> 16) & 0xff, a) << 16)
                | (mix((p >> 8) & 0xff, (heat >> 8) & 0xff, a) << 8)
                | mix(p & 0xff, heat & 0xff, a);
      }
    }
  }

  private static int mix(int base, int over, double a) {
    return (int) Math.round(base * (1 - a) + over * a);
  }

  /** An outline of width {@code t} just inside the box's pixel rectangle. */
  private static void drawBox(
      Graphics2D g, int w, int h, double x1, double y1, double x2, double y2, int t) {
    int px1 = pixel(x1, w);
    int py1 = pixel(y1, h);
    int px2 = Math.max(px1, Math.min(w - 1, (int) Math.ceil(x2 * w) - 1));
    int py2 = Math.max(py1, Math.min(h - 1, (int) Math.ceil(y2 * h) - 1));
    int bw = px2 - px1 + 1;
    int bh = py2 - py1 + 1;
    g.fillRect(px1, py1, bw, Math.min(t, bh));
    g.fillRect(px1, Math.max(py1, py2 - t + 1), bw, Math.min(t, bh));
    g.fillRect(px1, py1, Math.min(t, bw), bh);
    g.fillRect(Math.max(px1, px2 - t + 1), py1, Math.min(t, bw), bh);
  }

  /**
   * A caption strip at the top. Text needs the platform's fonts; where a headless JDK has none the
   * overlay is still drawn, without the caption.
   */
  private static void caption(Graphics2D g, int w, int h, List<String> lines) {
    try {
      g.setRenderingHint(
          RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, Math.max(11, Math.min(18, h / 28))));
      FontMetrics fm = g.getFontMetrics();
      int lineHeight = fm.getHeight();
      g.setColor(new Color(0, 0, 0, 150));
      g.fillRect(0, 0, w, lineHeight * lines.size() + 6);
      g.setColor(Color.WHITE);
      for (int i = 0; i < lines.size(); i++) {
        g.drawString(lines.get(i), 6, 3 + fm.getAscent() + i * lineHeight);
      }
    } catch (RuntimeException | InternalError | UnsatisfiedLinkError e) {
      // no usable font: the picture matters more than the caption
    }
  }
}
