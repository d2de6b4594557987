package io.avloc.core.heatmap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.avloc.core.event.HeatmapEvent;
import io.avloc.core.image.RgbImage;
import io.avloc.core.metrics.NormalizedBox;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class HeatmapOverlayTest {

  private static final int W = 400;
  private static final int H = 300;

  private static RgbImage grayFrame(int w, int h) {
    byte[] px = new byte[w * h * 3];
    Arrays.fill(px, (byte) 100);
    return new RgbImage(w, h, px);
  }

  private static int rgb(BufferedImage img, int x, int y) {
    return img.getRGB(x, y) & 0xffffff;
  }

  /** A 224×224 map that is 1 inside columns 112..223, rows 0..111 (top-right quarter), else 0. */
  private static double[] topRightQuarter() {
    double[] map = new double[224 * 224];
    for (int y = 0; y < 112; y++) {
      for (int x = 112; x < 224; x++) {
        map[y * 224 + x] = 1;
      }
    }
    return map;
  }

  @Test
  void aFullResolutionMapIsStretchedOverTheWholeFrame() {
    BufferedImage img =
        new HeatmapOverlay(1.0)
            .render(grayFrame(W, H), topRightQuarter(), 224, 224, HeatmapOverlay.Marks.NONE);
    assertThat(img.getWidth()).isEqualTo(W);
    assertThat(img.getHeight()).isEqualTo(H);
    assertThat(rgb(img, 300, 75)).isEqualTo(HeatmapOverlay.jet(1)); // top right: hot
    assertThat(rgb(img, 100, 75)).isEqualTo(HeatmapOverlay.jet(0)); // top left: cold
    assertThat(rgb(img, 300, 225)).isEqualTo(HeatmapOverlay.jet(0)); // bottom right: cold
  }

  @Test
  void truthBoxesPredictedBoxesAndThePeakAreDrawnInTheirColours() {
    HeatmapOverlay.Marks marks =
        new HeatmapOverlay.Marks(
            List.of(new HeatmapEvent.Box(0.5, 0.5, 1.0, 1.0, 0.9)),
            List.of(new NormalizedBox(0.1, 0.2, 0.4, 0.6)),
            new HeatmapEvent.Peak(0.75, 0.25, 1.0),
            List.of());
    BufferedImage img =
        new HeatmapOverlay().render(grayFrame(W, H), topRightQuarter(), 224, 224, marks);
    // truth: x 40..159, y 60..179
    assertThat(rgb(img, 40, 100)).isEqualTo(HeatmapOverlay.TRUTH_RGB);
    assertThat(rgb(img, 159, 100)).isEqualTo(HeatmapOverlay.TRUTH_RGB);
    assertThat(rgb(img, 100, 60)).isEqualTo(HeatmapOverlay.TRUTH_RGB);
    assertThat(rgb(img, 100, 100)).isNotEqualTo(HeatmapOverlay.TRUTH_RGB);
    // predicted: x 200..399, y 150..299
    assertThat(rgb(img, 200, 200)).isEqualTo(HeatmapOverlay.BOX_RGB);
    assertThat(rgb(img, 399, 200)).isEqualTo(HeatmapOverlay.BOX_RGB);
    assertThat(rgb(img, 300, 220)).isNotEqualTo(HeatmapOverlay.BOX_RGB);
    // peak at pixel (300, 75)
    int r = HeatmapOverlay.markerRadius(W, H);
    assertThat(rgb(img, 300, 75)).isEqualTo(HeatmapOverlay.PEAK_RGB);
    assertThat(rgb(img, 300 + r + 1, 75)).isEqualTo(HeatmapOverlay.PEAK_RING_RGB);
  }

  @Test
  void withoutCaptionTheTopRowsShowTheMapAndWithoutPeakNoDotIsDrawn() {
    double[] flat = new double[4];
    BufferedImage img =
        new HeatmapOverlay(0.5).render(grayFrame(W, H), flat, 2, 2, HeatmapOverlay.Marks.NONE);
    int cold = HeatmapOverlay.jet(0);
    int blue = (int) Math.round(100 * 0.5 + (cold & 0xff) * 0.5);
    for (int[] p : new int[][] {{0, 0}, {W / 2, 0}, {W / 2, H / 2}, {W - 1, H - 1}}) {
      assertThat(rgb(img, p[0], p[1]) & 0xff).as("pixel %d,%d", p[0], p[1]).isEqualTo(blue);
    }
  }

  @Test
  void withoutAFrameTheCanvasHasTheMapsAspect() {
    BufferedImage img =
        new HeatmapOverlay().render(null, new double[2 * 4], 2, 4, HeatmapOverlay.Marks.NONE);
    assertThat(img.getWidth()).isEqualTo(HeatmapOverlay.CANVAS_WIDTH);
    assertThat(img.getHeight()).isEqualTo(320);
  }

  @Test
  void wideFramesAreScaledDownAndPngRoundTrips() throws Exception {
    BufferedImage img =
        new HeatmapOverlay()
            .render(grayFrame(2560, 1440), topRightQuarter(), 224, 224, HeatmapOverlay.Marks.NONE);
    assertThat(img.getWidth()).isEqualTo(HeatmapOverlay.MAX_WIDTH);
    assertThat(img.getHeight()).isEqualTo(720);
    BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(HeatmapOverlay.encodePng(img)));
    assertThat(decoded.getWidth()).isEqualTo(HeatmapOverlay.MAX_WIDTH);
    assertThat(rgb(decoded, 1000, 100)).isEqualTo(rgb(img, 1000, 100));
  }

  @Test
  void aMapOfTheWrongLengthIsRefused() {
    assertThatThrownBy(
            () ->
                new HeatmapOverlay().render(null, new double[10], 3, 3, HeatmapOverlay.Marks.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("needs 9 values, got 10");
  }
}
