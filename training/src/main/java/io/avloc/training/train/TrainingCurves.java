package io.avloc.training.train;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import javax.imageio.ImageIO;

/**
 * {@code curves.png}: the training loss terms per epoch (left) and the validation metrics per epoch
 * (right), so a run can be judged at a glance.
 */
public final class TrainingCurves {

  private static final int PANEL_W = 520;
  private static final int PANEL_H = 360;
  private static final int MARGIN = 52;
  private static final Color[] COLORS = {
    new Color(0x1f77b4),
    new Color(0xd62728),
    new Color(0x2ca02c),
    new Color(0xff7f0e),
    new Color(0x9467bd),
    new Color(0x8c564b)
  };

  private TrainingCurves() {}

  /** Draws the curves of {@code history} into a PNG at {@code file}. */
  public static void write(List<EpochRecord> history, String title, Path file) throws IOException {
    BufferedImage img = new BufferedImage(2 * PANEL_W, PANEL_H + 30, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, img.getWidth(), img.getHeight());
      g.setColor(Color.BLACK);
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
      g.drawString(title, MARGIN, 20);
      g.translate(0, 30);
      panel(g, "training loss", series(history, r -> r.loss()), false);
      g.translate(PANEL_W, 0);
      Map<String, double[]> val = series(history, r -> r.validation());
      panel(g, val.isEmpty() ? "validation (no --val)" : "validation", val, true);
    } finally {
      g.dispose();
    }
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    ImageIO.write(img, "png", tmp.toFile());
    Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  private static Map<String, double[]> series(
      List<EpochRecord> history, Function<EpochRecord, Map<String, Double>> values) {
    Map<String, double[]> out = new LinkedHashMap<>();
    for (int i = 0; i < history.size(); i++) {
      Map<String, Double> m = values.apply(history.get(i));
      if (m == null) {
        continue;
      }
      for (Map.Entry<String, Double> e : m.entrySet()) {
        double[] s = out.computeIfAbsent(e.getKey(), k -> filled(history.size()));
        s[i] = e.getValue();
      }
    }
    return out;
  }

  private static double[] filled(int n) {
    double[] a = new double[n];
    java.util.Arrays.fill(a, Double.NaN);
    return a;
  }

  private static void panel(Graphics2D g, String name, Map<String, double[]> series, boolean unit) {
    int x0 = MARGIN;
    int y0 = PANEL_H - MARGIN;
    int w = PANEL_W - MARGIN - 20;
    int h = PANEL_H - MARGIN - 30;
    double lo = unit ? 0 : Double.POSITIVE_INFINITY;
    double hi = unit ? 1 : Double.NEGATIVE_INFINITY;
    int n = 0;
    for (double[] s : series.values()) {
      n = Math.max(n, s.length);
      for (double v : s) {
        if (!Double.isNaN(v) && !unit) {
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
      }
    }
    if (!(hi > lo)) {
      lo = Double.isFinite(lo) ? lo - 1 : 0;
      hi = lo + 2;
    }
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    g.drawString(name, x0, 18);
    g.drawRect(x0, y0 - h, w, h);
    for (int k = 0; k <= 4; k++) {
      double v = lo + (hi - lo) * k / 4;
      int y = y0 - h * k / 4;
      g.setColor(new Color(0xdddddd));
      g.drawLine(x0 + 1, y, x0 + w - 1, y);
      g.setColor(Color.DARK_GRAY);
      g.drawString(String.format(Locale.ROOT, "%.3g", v), 4, y + 4);
    }
    g.drawString("epoch", x0 + w / 2 - 15, y0 + 32);
    for (int e = 1; e <= n; e += Math.max(1, n / 10)) {
      g.drawString(Integer.toString(e), x(e, n, x0, w) - 4, y0 + 15);
    }
    int c = 0;
    List<String> legend = new ArrayList<>(series.keySet());
    for (String key : legend) {
      double[] s = series.get(key);
      Color color = COLORS[c % COLORS.length];
      g.setColor(color);
      g.setStroke(new BasicStroke(key.equals("loss") ? 2.5f : 1.5f));
      Path2D path = new Path2D.Double();
      boolean started = false;
      for (int i = 0; i < s.length; i++) {
        if (Double.isNaN(s[i])) {
          continue;
        }
        double px = x(i + 1, n, x0, w);
        double py = y0 - h * (s[i] - lo) / (hi - lo);
        if (started) {
          path.lineTo(px, py);
        } else {
          path.moveTo(px, py);
          started = true;
        }
        g.fillOval((int) px - 2, (int) py - 2, 5, 5);
      }
      g.draw(path);
      g.drawString(key, x0 + w - 110, y0 - h + 16 + 14 * c);
      c++;
    }
    g.setStroke(new BasicStroke(1f));
  }

  private static int x(int epoch, int n, int x0, int w) {
    return n <= 1 ? x0 + w / 2 : x0 + (int) ((long) (epoch - 1) * (w - 10) / (n - 1)) + 5;
  }
}
