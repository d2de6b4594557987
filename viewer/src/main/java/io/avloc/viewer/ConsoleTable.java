package io.avloc.viewer;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Text views of a {@link WatchStats}: a table for a terminal redrawn in place with ANSI escapes,
 * and one self-contained line per camera for logs and pipes.
 */
public final class ConsoleTable {

  /** Moves the cursor home and clears the screen. */
  public static final String ANSI_CLEAR = "\u001b[H\u001b[2J";

  private static final int MAX_CAMERA_WIDTH = 24;

  private ConsoleTable() {}

  /** The table: a title line, a header row and one row per camera. */
  public static String table(String title, WatchStats stats) {
    int cw = "camera".length();
    for (CameraSnapshot c : stats.cameras()) {
      cw = Math.max(cw, Math.min(MAX_CAMERA_WIDTH, c.camera().length()));
    }
    String rowFormat = "%-" + cw + "s %7s %6s %6s %6s %6s %8s %8s %16s %5s %7s %-12s%n";
    StringBuilder sb = new StringBuilder();
    if (title != null && !title.isBlank()) {
      sb.append(title).append(System.lineSeparator());
    }
    sb.append(
        String.format(
            Locale.ROOT,
            rowFormat,
            "camera",
            "ev/s",
            "peak x",
            "peak y",
            "score",
            "av",
            "p50 ms",
            "p99 ms",
            "pointing",
            "off",
            "partial",
            "frame"));
    if (stats.cameras().isEmpty()) {
      sb.append("(no heatmap events yet)").append(System.lineSeparator());
    }
    for (CameraSnapshot c : stats.cameras()) {
      sb.append(
          String.format(
              Locale.ROOT,
              rowFormat,
              fit(c.camera(), cw),
              fixed(c.eventsPerSecond(), 1),
              fixed(c.peakX(), 2),
              fixed(c.peakY(), 2),
              fixed(c.peakScore(), 2),
              fixed(c.avScore(), 2),
              millis(c.latencyMs().p50()),
              millis(c.latencyMs().p99()),
              pointing(c.accuracy()),
              c.accuracy().offscreen() == 0 && c.accuracy().evaluated() == 0
                  ? "-"
                  : Long.toString(c.accuracy().offscreen()),
              percent(c.partialAudioShare()),
              frameStatus(stats, c.camera())));
    }
    for (FramePairing f : stats.frames()) {
      if (!f.paired()) {
        sb.append(f.camera())
            .append(": heatmap shown without its frame: ")
            .append(f.reason())
            .append(System.lineSeparator());
      }
    }
    if (stats.invalidRecords() > 0) {
      sb.append(stats.invalidRecords())
          .append(" invalid heatmap record(s) skipped")
          .append(System.lineSeparator());
    }
    return sb.toString();
  }

  /** One line per camera, each readable on its own, prefixed by {@code prefix} when given. */
  public static List<String> lines(String prefix, WatchStats stats) {
    List<String> out = new ArrayList<>();
    String p = prefix == null || prefix.isBlank() ? "" : prefix + " ";
    for (CameraSnapshot c : stats.cameras()) {
      out.add(
          String.format(
              Locale.ROOT,
              "%scamera=%s events=%d ev/s=%s peak=%s,%s score=%s av=%s p50_ms=%s p99_ms=%s"
                  + " pointing=%s off=%d partial=%s frame=%s%s",
              p,
              c.camera(),
              c.events(),
              fixed(c.eventsPerSecond(), 1),
              fixed(c.peakX(), 2),
              fixed(c.peakY(), 2),
              fixed(c.peakScore(), 2),
              fixed(c.avScore(), 2),
              millis(c.latencyMs().p50()),
              millis(c.latencyMs().p99()),
              pointing(c.accuracy()).replace(" ", ""),
              c.accuracy().offscreen(),
              percent(c.partialAudioShare()),
              frameStatus(stats, c.camera()),
              stats
                  .frame(c.camera())
                  .filter(f -> !f.paired())
                  .map(f -> " (" + f.reason() + ")")
                  .orElse("")));
    }
    if (stats.invalidRecords() > 0) {
      out.add(p + "invalid_records=" + stats.invalidRecords());
    }
    return out;
  }

  /**
   * Where the camera's latest heatmap is shown: {@code paired} (on its own frame), else why not
   * ({@code evicted}, {@code pending}, ...), or {@code -} without a pairing.
   */
  static String frameStatus(WatchStats stats, String camera) {
    return stats
        .frame(camera)
        .map(f -> f.status().name().toLowerCase(Locale.ROOT).replace('_', '-'))
        .orElse("-");
  }

  /** {@code 87.5% (35/40)}, or {@code -} before the first judged event. */
  static String pointing(CameraSnapshot.Accuracy a) {
    if (a.pointingAccuracy() == null) {
      return "-";
    }
    return String.format(
        Locale.ROOT, "%.1f%% (%d/%d)", 100 * a.pointingAccuracy(), a.hits(), a.evaluated());
  }

  private static String fixed(double v, int decimals) {
    return String.format(Locale.ROOT, "%." + decimals + "f", v);
  }

  private static String millis(Double ms) {
    return ms == null ? "-" : String.format(Locale.ROOT, "%.0f", ms);
  }

  private static String percent(Double share) {
    return share == null ? "-" : String.format(Locale.ROOT, "%.0f%%", 100 * share);
  }

  private static String fit(String s, int width) {
    return s.length() <= width ? s : s.substring(0, width - 1) + "~";
  }
}
