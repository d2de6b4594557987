package io.avloc.viewer;

import io.avloc.core.event.HeatmapEvent;
import io.avloc.core.media.GroundTruthHeaders;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.imageio.ImageIO;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/** Heatmap events, ground-truth headers and frames for the watcher's tests. */
final class TestEvents {
  private TestEvents() {}

  /** A 4×3 event whose peak is at (x, y), with the given capture time and options. */
  static HeatmapEvent event(
      String camera, long frameTsUs, double x, double y, double avScore, boolean partial) {
    return event(camera, frameTsUs, x, y, avScore, partial, List.of());
  }

  static HeatmapEvent event(
      String camera,
      long frameTsUs,
      double x,
      double y,
      double avScore,
      boolean partial,
      List<HeatmapEvent.Box> boxes) {
    float[] values = new float[12];
    int gx = Math.min(3, (int) (x * 4));
    int gy = Math.min(2, (int) (y * 3));
    values[gy * 4 + gx] = 1f;
    return new HeatmapEvent(
        camera,
        frameTsUs,
        "tiny@1",
        "fnac",
        new HeatmapEvent.Grid(4, 3, values),
        new HeatmapEvent.Peak(x, y, 0.9),
        avScore,
        boxes,
        new HeatmapEvent.AudioWindow(frameTsUs - 1_000_000, frameTsUs, partial),
        new HeatmapEvent.Latency(1, 2, 3, 6),
        frameTsUs + 6_000);
  }

  /** Ground-truth headers as a synthetic camera writes them. */
  static Headers truthHeaders(String cls, String boxes, boolean onscreen) {
    RecordHeaders h = new RecordHeaders();
    h.add(GroundTruthHeaders.CLASS, cls.getBytes(StandardCharsets.UTF_8));
    h.add(GroundTruthHeaders.BOXES, boxes.getBytes(StandardCharsets.UTF_8));
    h.add(GroundTruthHeaders.ONSCREEN, Boolean.toString(onscreen).getBytes(StandardCharsets.UTF_8));
    return h;
  }

  /** A solid-colour image. */
  static BufferedImage solid(int w, int h, int rgb) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.setRGB(x, y, rgb);
      }
    }
    return img;
  }

  static byte[] encode(BufferedImage img, String format) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(img, format, out)) {
        throw new IllegalStateException("no writer for " + format);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
