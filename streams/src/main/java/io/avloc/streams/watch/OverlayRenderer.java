package io.avloc.streams.watch;

import io.avloc.core.event.HeatmapEvent;
import io.avloc.core.heatmap.HeatmapOverlay;
import io.avloc.core.image.ImageDecodeException;
import io.avloc.core.image.ImageDecoder;
import io.avloc.core.image.RgbImage;
import io.avloc.core.media.GroundTruthLabel;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Draws a heatmap event over its frame with core's {@link HeatmapOverlay}: the event's grid as the
 * colour map, its boxes and peak, the ground-truth boxes, and a caption with the camera, model,
 * peak, scores and how the peak compares with the ground truth. Without a frame, the map is drawn
 * on a dark canvas. Stateless and thread-safe.
 */
public final class OverlayRenderer {

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
    RgbImage frame = null;
    if (encodedFrame != null) {
      try {
        frame = ImageDecoder.decode(encodedFrame);
      } catch (ImageDecodeException e) {
        frame = null;
      }
    }
    return HeatmapOverlay.encodePng(render(frame, event, truth));
  }

  /** Renders the overlay; {@code frame} may be {@code null}. */
  public BufferedImage render(RgbImage frame, HeatmapEvent event, GroundTruthLabel truth) {
    Objects.requireNonNull(event, "event");
    GroundTruthLabel gt = truth == null ? GroundTruthLabel.NONE : truth;
    HeatmapEvent.Grid grid = event.grid();
    float[] values = grid.values();
    double[] map = new double[values.length];
    for (int i = 0; i < map.length; i++) {
      map[i] = values[i];
    }
    HeatmapOverlay.Marks marks =
        new HeatmapOverlay.Marks(
            event.boxes(), gt.boxes(), event.peak(), captionLines(event, gt, frame == null));
    return overlay.render(frame, map, grid.h(), grid.w(), marks);
  }

  private static List<String> captionLines(
      HeatmapEvent e, GroundTruthLabel gt, boolean frameMissing) {
    List<String> lines = new ArrayList<>();
    lines.add(
        String.format(
            Locale.ROOT,
            "%s  %s  peak %.2f,%.2f  score %.2f  av %.2f",
            e.camera(),
            e.model(),
            e.peak().x(),
            e.peak().y(),
            e.peak().score(),
            e.avScore()));
    StringBuilder second = new StringBuilder();
    if (gt.present()) {
      second.append("truth: ").append(gt.gtClass() == null ? "source" : gt.gtClass());
      switch (gt.judge(e.peak())) {
        case HIT -> second.append(" (peak inside)");
        case MISS -> second.append(" (peak outside)");
        case OFFSCREEN -> second.append(" (off-screen)");
        default -> second.append(" (on screen, no box)");
      }
    }
    if (frameMissing) {
      second.append(second.length() == 0 ? "" : "  ").append("no frame");
    }
    if (second.length() > 0) {
      lines.add(second.toString());
    }
    return lines;
  }
}
