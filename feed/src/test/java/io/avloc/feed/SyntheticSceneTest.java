package io.avloc.feed;

import static org.assertj.core.api.Assertions.assertThat;

import io.avloc.core.media.GroundTruthLabel;
import io.avloc.core.metrics.NormalizedBox;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import org.junit.jupiter.api.Test;

class SyntheticSceneTest {

  private static final SyntheticAssets ASSETS = SyntheticAssets.bundled();
  private static final SyntheticSettings SETTINGS = SyntheticSettings.defaults();

  @Test
  void theBundledAssetsHavePicturesSoundsAndBackgrounds() {
    assertThat(ASSETS.classes()).hasSizeGreaterThanOrEqualTo(4);
    assertThat(ASSETS.backgrounds()).hasSizeGreaterThanOrEqualTo(2);
    assertThat(ASSETS.offscreenClasses()).isNotEmpty();
    for (String cls : ASSETS.classes()) {
      assertThat(ASSETS.sprites(cls)).as(cls).isNotEmpty();
      assertThat(ASSETS.sounds(cls)).as(cls).isNotEmpty();
      for (float[] s : ASSETS.sounds(cls)) {
        assertThat(s.length).as(cls).isGreaterThan(SyntheticAssets.SAMPLE_RATE / 10);
      }
    }
  }

  @Test
  void theSameSeedGivesTheSamePicturesSoundsAndTruth() {
    SyntheticScene a = new SyntheticScene(ASSETS, SETTINGS, 11, 1);
    SyntheticScene b = new SyntheticScene(ASSETS, SETTINGS, 11, 1);
    assertThat(a.objectClasses()).isEqualTo(b.objectClasses());
    for (long t = 0; t < 40_000_000L; t += 1_234_567L) {
      SyntheticScene.Picture pa = a.render(t);
      SyntheticScene.Picture pb = b.render(t);
      assertThat(pixels(pa.image())).isEqualTo(pixels(pb.image()));
      assertThat(pa.truth()).isEqualTo(pb.truth());
    }
    assertThat(a.samples(123_456, 4_000)).isEqualTo(b.samples(123_456, 4_000));
    // reading the audio in a different order gives the same samples
    float[] whole = new SyntheticScene(ASSETS, SETTINGS, 11, 1).samples(0, 200_000);
    float[] tail = a.samples(100_000, 100_000);
    float[] head = a.samples(0, 100_000);
    for (int i = 0; i < 100_000; i++) {
      assertThat(head[i]).isEqualTo(whole[i]);
      assertThat(tail[i]).isEqualTo(whole[100_000 + i]);
    }
  }

  @Test
  void otherSeedsAndCamerasGiveOtherScenes() {
    int[] first = pixels(new SyntheticScene(ASSETS, SETTINGS, 11, 1).render(0).image());
    assertThat(pixels(new SyntheticScene(ASSETS, SETTINGS, 12, 1).render(0).image()))
        .isNotEqualTo(first);
    assertThat(pixels(new SyntheticScene(ASSETS, SETTINGS, 11, 2).render(0).image()))
        .isNotEqualTo(first);
  }

  @Test
  void objectsMoveSmoothlyAndStayInsideTheFrame() {
    SyntheticScene s = new SyntheticScene(ASSETS, SETTINGS, 5, 1);
    for (int i = 0; i < s.objectClasses().size(); i++) {
      int[] prev = s.position(i, 0);
      boolean moved = false;
      for (long t = 40_000; t < 60_000_000L; t += 40_000) {
        int[] p = s.position(i, t);
        // at most 25 % of the width per second: a few pixels per frame
        assertThat(Math.abs(p[0] - prev[0])).isLessThanOrEqualTo(4);
        assertThat(Math.abs(p[1] - prev[1])).isLessThanOrEqualTo(4);
        assertThat(p[0]).isGreaterThanOrEqualTo(0);
        assertThat(p[1]).isGreaterThanOrEqualTo(0);
        moved |= p[0] != prev[0] || p[1] != prev[1];
        prev = p;
      }
      assertThat(moved).isTrue();
    }
  }

  /**
   * The box is where the sounding object's pixels are: removing that object from the picture
   * changes pixels inside the box only, and the changed pixels reach (nearly) every edge of it.
   */
  @Test
  void theTruthBoxIsWhereTheSoundingObjectIsDrawn() {
    int checked = 0;
    for (long seed = 1; seed <= 12; seed++) {
      SyntheticScene s = new SyntheticScene(ASSETS, SETTINGS, seed, 1);
      for (long t = 0; t < 60_000_000L; t += 1_480_000L) {
        SyntheticScene.Picture p = s.render(t);
        GroundTruthLabel truth = p.truth();
        SyntheticScene.Segment seg = s.segmentAt(t);
        assertThat(truth.gtClass()).isEqualTo(seg.soundClass());
        if (seg.offscreen()) {
          assertThat(truth.isOnscreen()).isFalse();
          assertThat(truth.boxes()).isEmpty();
          assertThat(s.objectClasses()).doesNotContain(truth.gtClass());
          continue;
        }
        assertThat(s.objectClasses().get(seg.sounding())).isEqualTo(truth.gtClass());
        if (!truth.isOnscreen()) {
          continue; // hidden behind other objects
        }
        assertThat(truth.boxes()).hasSize(1);
        int[] with = pixels(p.image());
        int[] without = pixels(s.render(t, seg.sounding(), null));
        int w = s.width();
        int minX = w;
        int minY = s.height();
        int maxX = -1;
        int maxY = -1;
        for (int i = 0; i < with.length; i++) {
          if (with[i] != without[i]) {
            minX = Math.min(minX, i % w);
            maxX = Math.max(maxX, i % w);
            minY = Math.min(minY, i / w);
            maxY = Math.max(maxY, i / w);
          }
        }
        NormalizedBox b = truth.boxes().get(0);
        int bx0 = (int) (b.x1() * w);
        int by0 = (int) (b.y1() * s.height());
        int bx1 = (int) (b.x2() * w) - 1;
        int by1 = (int) (b.y2() * s.height()) - 1;
        assertThat(maxX)
            .as("seed %d t %d: the object changes some pixels", seed, t)
            .isNotNegative();
        // changed pixels never leave the box; an edge may lose a pixel or two whose colour
        // happens to equal the background's
        assertThat(minX).isBetween(bx0, bx0 + 2);
        assertThat(minY).isBetween(by0, by0 + 2);
        assertThat(maxX).isBetween(bx1 - 2, bx1);
        assertThat(maxY).isBetween(by1 - 2, by1);
        checked++;
      }
    }
    assertThat(checked).as("on-screen frames checked").isGreaterThan(200);
  }

  @Test
  void aboutTheConfiguredShareOfSegmentsIsOffScreen() {
    SyntheticScene s = new SyntheticScene(ASSETS, SETTINGS.withOffscreenShare(0.15), 3, 1);
    int off = 0;
    int n = 4000;
    for (long i = 0; i < n; i++) {
      if (s.segment(i).offscreen()) {
        off++;
      }
    }
    assertThat(off / (double) n).isBetween(0.13, 0.17);

    SyntheticScene never = new SyntheticScene(ASSETS, SETTINGS.withOffscreenShare(0), 3, 1);
    SyntheticScene always = new SyntheticScene(ASSETS, SETTINGS.withOffscreenShare(1), 3, 1);
    for (long i = 0; i < 200; i++) {
      assertThat(never.segment(i).offscreen()).isFalse();
      assertThat(always.segment(i).offscreen()).isTrue();
      assertThat(always.objectClasses()).doesNotContain(always.segment(i).soundClass());
    }
  }

  @Test
  void theSoundIsTheSegmentsClipOverQuietNoise() {
    SyntheticScene s = new SyntheticScene(ASSETS, SETTINGS, 9, 1);
    int seg = SETTINGS.segmentMs() * SyntheticAssets.SAMPLE_RATE / 1000;
    for (int i = 0; i < 5; i++) {
      float[] x = s.samples((long) i * seg, seg);
      double peak = 0;
      for (float v : x) {
        assertThat(v).isBetween(-1f, 1f);
        peak = Math.max(peak, Math.abs(v));
      }
      // the clip plays at a gain of at least 0.45 of its peak; noise alone stays at 0.02
      assertThat(peak).as("segment %d", i).isGreaterThan(0.3);
    }
    SyntheticScene quiet = new SyntheticScene(ASSETS, SETTINGS.withNoiseLevel(0.02), 9, 1);
    // at a segment edge the clip fades to nothing and only the noise is left
    float edge = quiet.samples(seg, 1)[0];
    assertThat(Math.abs(edge)).isLessThan(0.03f);
  }

  private static int[] pixels(BufferedImage img) {
    return ((DataBufferInt) img.getRaster().getDataBuffer()).getData().clone();
  }
}
