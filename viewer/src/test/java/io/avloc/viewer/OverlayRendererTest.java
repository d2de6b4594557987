package io.avloc.viewer;

import static org.assertj.core.api.Assertions.assertThat;

import io.avloc.core.event.HeatmapEvent;
import io.avloc.core.heatmap.HeatmapOverlay;
import io.avloc.core.image.ImageDecoder;
import io.avloc.core.image.RgbImage;
import io.avloc.core.media.GroundTruthHeaders;
import io.avloc.core.media.GroundTruthLabel;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class OverlayRendererTest {

  private static final int W = 320;
  private static final int H = 240;
  private final OverlayRenderer renderer = new OverlayRenderer();

  private static RgbImage grayFrame() {
    byte[] px = new byte[W * H * 3];
    java.util.Arrays.fill(px, (byte) 100);
    return new RgbImage(W, H, px);
  }

  private static int rgb(BufferedImage img, int x, int y) {
    return img.getRGB(x, y) & 0xffffff;
  }

  @Test
  void thePeakPixelIsMarkedWithAWhiteDotInABlackRing() {
    HeatmapEvent e = TestEvents.event("cam", 1, 0.25, 0.6, 0.5, false);
    BufferedImage img = renderer.render(grayFrame(), e, GroundTruthLabel.NONE);
    assertThat(img.getWidth()).isEqualTo(W);
    assertThat(img.getHeight()).isGreaterThan(H); // the caption strip is below the picture
    int cx = 80; // floor(0.25 * 320)
    int cy = 144; // floor(0.6 * 240)
    int r = HeatmapOverlay.markerRadius(W, H);
    assertThat(rgb(img, cx, cy)).isEqualTo(HeatmapOverlay.PEAK_RGB);
    assertThat(rgb(img, cx + r - 1, cy)).isEqualTo(HeatmapOverlay.PEAK_RGB);
    assertThat(rgb(img, cx + r + 1, cy)).isEqualTo(HeatmapOverlay.PEAK_RING_RGB);
    assertThat(rgb(img, cx, cy - r - 1)).isEqualTo(HeatmapOverlay.PEAK_RING_RGB);
    // well away from the marker: neither white nor black
    assertThat(rgb(img, cx + 3 * r, cy))
        .isNotEqualTo(HeatmapOverlay.PEAK_RGB)
        .isNotEqualTo(HeatmapOverlay.PEAK_RING_RGB);
  }

  @Test
  void theCaptionNamesTheClassesFoundInTheBoxesAndTheTruth() {
    HeatmapEvent e =
        TestEvents.event(
            "cam",
            1,
            0.6,
            0.5,
            0.5,
            false,
            List.of(
                new HeatmapEvent.Box(0.5, 0.25, 0.75, 0.75, 1).withLabel("dog"),
                new HeatmapEvent.Box(0.0, 0.0, 0.2, 0.2, 0.5),
                new HeatmapEvent.Box(0.8, 0.8, 0.9, 0.9, 0.4).withLabel("dog")));
    GroundTruthLabel gt =
        GroundTruthHeaders.read(
            TestEvents.truthHeaders("dog", "0.5,0.25,0.75,0.75", true),
            GroundTruthHeaders.Parsing.LENIENT);
    assertThat(OverlayRenderer.captionLines(e, gt, null))
        .contains("in the boxes: dog")
        .anyMatch(l -> l.startsWith("truth: dog (peak inside)"));
    assertThat(
            OverlayRenderer.captionLines(
                TestEvents.event("cam", 1, 0.6, 0.5, 0.5, false), gt, null))
        .noneMatch(l -> l.startsWith("in the boxes"));
  }

  @Test
  void heatmapAndGroundTruthBoxesAreDrawnWhereTheyBelong() {
    HeatmapEvent e =
        TestEvents.event(
            "cam",
            1,
            0.1,
            0.9,
            0.5,
            false,
            List.of(new HeatmapEvent.Box(0.5, 0.25, 0.75, 0.75, 1)));
    GroundTruthLabel gt =
        GroundTruthHeaders.read(
            TestEvents.truthHeaders("dog", "0.125,0.25,0.375,0.5", true),
            GroundTruthHeaders.Parsing.LENIENT);
    BufferedImage img = renderer.render(grayFrame(), e, gt);
    int amber = HeatmapOverlay.BOX_RGB;
    int green = HeatmapOverlay.TRUTH_RGB;
    // event box: x 160..239, y 60..179
    assertThat(rgb(img, 160, 120)).isEqualTo(amber); // left edge
    assertThat(rgb(img, 239, 120)).isEqualTo(amber); // right edge
    assertThat(rgb(img, 200, 60)).isEqualTo(amber); // top edge
    assertThat(rgb(img, 200, 179)).isEqualTo(amber); // bottom edge
    assertThat(rgb(img, 200, 120)).isNotEqualTo(amber); // inside: not filled
    assertThat(rgb(img, 158, 120)).isNotEqualTo(amber); // just outside
    // ground truth: x 40..119, y 60..119
    assertThat(rgb(img, 40, 90)).isEqualTo(green);
    assertThat(rgb(img, 119, 90)).isEqualTo(green);
    assertThat(rgb(img, 80, 119)).isEqualTo(green);
    assertThat(rgb(img, 80, 90)).isNotEqualTo(green);
    assertThat(rgb(img, 80, 122)).isNotEqualTo(green);
  }

  @Test
  void theColourMapIsHotAtTheHotCellAndColdElsewhere() {
    // 4×3 grid, the hot cell is column 3, row 2: the bottom-right region.
    HeatmapEvent e = TestEvents.event("cam", 1, 0.9, 0.9, 0.5, false);
    BufferedImage img = new OverlayRenderer(1.0).render(grayFrame(), e, GroundTruthLabel.NONE);
    // The centre of the hot cell (x 240..319, y 160..239) is pure jet(1): dark red.
    assertThat(rgb(img, 280, 200)).isEqualTo(HeatmapOverlay.jet(1.0));
    // A cold cell centre (column 0, row 1) is jet(0): dark blue.
    assertThat(rgb(img, 40, 120)).isEqualTo(HeatmapOverlay.jet(0.0));
    assertThat(HeatmapOverlay.jet(1.0) >> 16).isGreaterThan(100);
    assertThat(HeatmapOverlay.jet(0.0) & 0xff).isGreaterThan(100);
  }

  @Test
  void theMapIsBlendedOverTheFrame() {
    HeatmapEvent e = TestEvents.event("cam", 1, 0.9, 0.9, 0.5, false);
    BufferedImage img = new OverlayRenderer(0.5).render(grayFrame(), e, GroundTruthLabel.NONE);
    int cold = HeatmapOverlay.jet(0.0);
    int expectedBlue = (int) Math.round(100 * 0.5 + (cold & 0xff) * 0.5);
    assertThat(rgb(img, 40, 120) & 0xff).isEqualTo(expectedBlue);
  }

  @Test
  void withoutAFrameTheMapIsDrawnOnACanvasOfTheGridsShape() {
    HeatmapEvent e = TestEvents.event("cam", 1, 0.5, 0.5, 0.5, false);
    BufferedImage img = renderer.render(null, e, GroundTruthLabel.NONE);
    assertThat(img.getWidth()).isEqualTo(HeatmapOverlay.CANVAS_WIDTH);
    assertThat(img.getHeight()).isGreaterThan(480); // 640 * 3 / 4, then the caption
    assertThat(rgb(img, 320, 240)).isEqualTo(HeatmapOverlay.PEAK_RGB);
  }

  @Test
  void largeFramesAreScaledDown() {
    RgbImage big = new RgbImage(2560, 1440, new byte[2560 * 1440 * 3]);
    BufferedImage img =
        renderer.render(big, TestEvents.event("cam", 1, 0.5, 0.5, 0, false), GroundTruthLabel.NONE);
    assertThat(img.getWidth()).isEqualTo(HeatmapOverlay.MAX_WIDTH);
    assertThat(img.getHeight()).isGreaterThan(720); // 1440 / 2, then the caption
  }

  @Test
  void pngBytesDecodeToTheSamePicture() throws IOException {
    byte[] jpeg = TestEvents.encode(TestEvents.solid(W, H, 0x406080), "jpg");
    HeatmapEvent e = TestEvents.event("cam", 1, 0.25, 0.6, 0.5, false);
    byte[] png = renderer.renderPng(jpeg, e, GroundTruthLabel.NONE);
    BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(png));
    BufferedImage direct = renderer.render(ImageDecoder.decode(jpeg), e, GroundTruthLabel.NONE);
    assertThat(decoded.getWidth()).isEqualTo(W);
    for (int y = 0; y < H; y += 7) {
      for (int x = 0; x < W; x += 7) {
        assertThat(rgb(decoded, x, y)).as("pixel %d,%d", x, y).isEqualTo(rgb(direct, x, y));
      }
    }
  }

  @Test
  void anUndecodableFrameFallsBackToTheCanvas() throws IOException {
    byte[] png =
        renderer.renderPng(
            new byte[] {1, 2, 3}, TestEvents.event("cam", 1, 0.5, 0.5, 0, false), null);
    BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(png));
    assertThat(decoded.getWidth()).isEqualTo(HeatmapOverlay.CANVAS_WIDTH);
  }

  @Test
  void aPeakAtTheCornerIsDrawnWholeInsideThePicture() {
    int r = HeatmapOverlay.markerRadius(W, H);
    long middle =
        whitePixels(
            renderer.render(
                grayFrame(),
                TestEvents.event("cam", 1, 0.5, 0.5, 0, false),
                GroundTruthLabel.NONE));
    for (double[] corner : new double[][] {{0, 0}, {1, 1}, {0, 1}, {1, 0}}) {
      HeatmapEvent e = TestEvents.event("cam", 1, corner[0], corner[1], 0, false);
      BufferedImage img = renderer.render(grayFrame(), e, GroundTruthLabel.NONE);
      assertThat(whitePixels(img))
          .as("white pixels of a peak at %s", java.util.Arrays.toString(corner))
          .isEqualTo(middle);
      // the black ring is whole too: its outermost pixel is inside the picture
      int cx = corner[0] == 0 ? r + 2 : W - 1 - (r + 2);
      int cy = corner[1] == 0 ? r + 2 : H - 1 - (r + 2);
      assertThat(rgb(img, cx, cy)).isEqualTo(HeatmapOverlay.PEAK_RGB);
      assertThat(rgb(img, cx + (corner[0] == 0 ? -(r + 1) : r + 1), cy))
          .isEqualTo(HeatmapOverlay.PEAK_RING_RGB);
    }
  }

  @Test
  void theCaptionIsBelowThePictureAndLongLinesWrapInsteadOfBeingCut() {
    HeatmapEvent e =
        TestEvents.event("a-camera-with-a-rather-long-name-on-site-7", 1, 0.5, 0.5, 0, false);
    FramePairing gone =
        new FramePairing(
            e.camera(),
            3,
            e.frameTsUs(),
            FrameCache.Status.EVICTED,
            null,
            "its frame was dropped from the frame cache (it keeps 30 s behind each camera's newest frame, 256 MiB in all)");
    BufferedImage withFrame = renderer.render(grayFrame(), e, GroundTruthLabel.NONE);
    BufferedImage short1 =
        renderer.render(
            grayFrame(), TestEvents.event("c", 1, 0.5, 0.5, 0, false), GroundTruthLabel.NONE);
    // the picture is untouched at the top: the caption does not cover it
    assertThat(rgb(withFrame, 2, 2)).isEqualTo(rgb(short1, 2, 2));
    // a longer caption wraps onto more lines: a taller strip, never a wider image
    assertThat(withFrame.getWidth()).isEqualTo(W);
    assertThat(withFrame.getHeight()).isGreaterThan(short1.getHeight());
    BufferedImage noFrame = renderer.render(null, e, GroundTruthLabel.NONE, gone.note());
    assertThat(noFrame.getHeight()).isGreaterThan(HeatmapOverlay.CANVAS_WIDTH * 3 / 4);
  }

  @Test
  void wrappingKeepsEveryLineWithinTheWidth() {
    java.util.function.ToIntFunction<String> width = t -> 7 * t.length();
    List<String> lines =
        OverlayRenderer.wrap(
            List.of(
                "cam-1  tiny@1  peak 0.50,0.50  score 0.00",
                "no frame: averyveryverylongwordwithoutspaces"),
            width,
            140);
    assertThat(lines).allSatisfy(l -> assertThat(width.applyAsInt(l)).isLessThanOrEqualTo(140));
    assertThat(String.join("", lines).replace(" ", ""))
        .isEqualTo("cam-1tiny@1peak0.50,0.50score0.00noframe:averyveryverylongwordwithoutspaces");
    assertThat(lines.get(0)).isEqualTo("cam-1  tiny@1  peak");
  }

  @Test
  void aMissingFrameIsSaidInTheCaptionWithItsReason() {
    HeatmapEvent e = TestEvents.event("cam", 1, 0.5, 0.5, 0, false);
    FramePairing gone =
        new FramePairing(
            "cam", 3, e.frameTsUs(), FrameCache.Status.EVICTED, null, "it was dropped");
    assertThat(gone.note()).isEqualTo("no frame: it was dropped");
    BufferedImage plain = renderer.render(null, e, GroundTruthLabel.NONE);
    BufferedImage withReason = renderer.render(null, e, GroundTruthLabel.NONE, gone.note());
    assertThat(withReason.getWidth()).isEqualTo(plain.getWidth());
    // the same number of caption lines, different text
    boolean differs = false;
    for (int y = 480; y < plain.getHeight() && !differs; y++) {
      for (int x = 0; x < plain.getWidth(); x++) {
        if (rgb(plain, x, y) != rgb(withReason, x, y)) {
          differs = true;
          break;
        }
      }
    }
    assertThat(differs).isTrue();
  }

  private static long whitePixels(BufferedImage img) {
    long n = 0;
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        n += rgb(img, x, y) == HeatmapOverlay.PEAK_RGB ? 1 : 0;
      }
    }
    return n;
  }
}
