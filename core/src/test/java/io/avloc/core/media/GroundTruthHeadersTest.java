package io.avloc.core.media;

import static io.avloc.core.media.GroundTruthHeaders.Parsing.LENIENT;
import static io.avloc.core.media.GroundTruthHeaders.Parsing.STRICT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.avloc.core.event.HeatmapEvent;
import io.avloc.core.media.GroundTruthLabel.Outcome;
import io.avloc.core.media.GroundTruthLabel.Visibility;
import io.avloc.core.metrics.NormalizedBox;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class GroundTruthHeadersTest {

  // ---- writing and strict reading (the contract as producers write it) ------------------------

  @Test
  void writesAndReadsAnOnScreenTruth() {
    RecordHeaders h = new RecordHeaders();
    GroundTruthLabel t =
        GroundTruthLabel.onscreen(
            "dog", List.of(GroundTruthHeaders.pixelBox(40, 73, 132, 171, 320, 240)));
    GroundTruthHeaders.write(h, t);

    assertThat(value(h, "gt-class")).isEqualTo("dog");
    assertThat(value(h, "gt-boxes")).isEqualTo("0.125001,0.304167,0.415626,0.716667");
    assertThat(value(h, "gt-onscreen")).isEqualTo("true");
    assertThat(GroundTruthHeaders.read(h, STRICT)).isEqualTo(t);
    assertThat(GroundTruthHeaders.read(h, LENIENT).judge(new HeatmapEvent.Peak(0.2, 0.5, 1)))
        .isEqualTo(Outcome.HIT);
  }

  @Test
  void anOffScreenSoundHasAnEmptyBoxList() {
    RecordHeaders h = new RecordHeaders();
    GroundTruthHeaders.write(h, GroundTruthLabel.offscreen("siren"));
    assertThat(value(h, "gt-boxes")).isEmpty();
    assertThat(value(h, "gt-onscreen")).isEqualTo("false");
    assertThat(GroundTruthHeaders.read(h, STRICT)).isEqualTo(GroundTruthLabel.offscreen("siren"));
    assertThat(GroundTruthHeaders.read(h, LENIENT)).isEqualTo(GroundTruthLabel.offscreen("siren"));
  }

  @Test
  void writingReplacesEarlierValues() {
    RecordHeaders h = new RecordHeaders();
    GroundTruthHeaders.write(h, GroundTruthLabel.offscreen("siren"));
    GroundTruthHeaders.write(
        h, GroundTruthLabel.onscreen("dog", List.of(new NormalizedBox(0.1, 0.1, 0.2, 0.2))));
    assertThat(h.headers("gt-onscreen")).hasSize(1);
    assertThat(GroundTruthHeaders.read(h, STRICT).gtClass()).isEqualTo("dog");
  }

  @Test
  void severalBoxesAreSemicolonSeparated() {
    List<NormalizedBox> boxes =
        List.of(new NormalizedBox(0.1, 0.2, 0.3, 0.4), new NormalizedBox(0.5, 0.5, 1, 1));
    String s = GroundTruthHeaders.formatBoxes(boxes);
    assertThat(s)
        .isEqualTo("0.100000,0.200000,0.300000,0.400000;0.500000,0.500000,1.000000,1.000000");
    assertThat(GroundTruthHeaders.parseBoxes(s, STRICT)).isEqualTo(boxes);
    assertThat(GroundTruthHeaders.parseBoxes(s, LENIENT)).isEqualTo(boxes);
  }

  @Test
  void pixelEdgesSurviveTheTextFormAndTruncation() {
    SplittableRandom rng = new SplittableRandom(7);
    for (int i = 0; i < 20_000; i++) {
      int w = 16 + rng.nextInt(2000);
      int h = 16 + rng.nextInt(2000);
      int x0 = rng.nextInt(w);
      int x1 = x0 + rng.nextInt(w - x0);
      int y0 = rng.nextInt(h);
      int y1 = y0 + rng.nextInt(h - y0);
      NormalizedBox b =
          GroundTruthHeaders.parseBoxes(
                  GroundTruthHeaders.formatBoxes(
                      List.of(GroundTruthHeaders.pixelBox(x0, y0, x1, y1, w, h))),
                  STRICT)
              .get(0);
      assertThat((int) (b.x1() * w)).as("x1 of %d in %d", x0, w).isEqualTo(x0);
      assertThat((int) (b.y1() * h)).as("y1 of %d in %d", y0, h).isEqualTo(y0);
      assertThat((int) (b.x2() * w)).as("x2 of %d in %d", x1, w).isEqualTo(x1 + 1);
      assertThat((int) (b.y2() * h)).as("y2 of %d in %d", y1, h).isEqualTo(y1 + 1);
    }
  }

  @Test
  void aRecordWithoutGroundTruthReadsAsNoneInBothModes() {
    assertThat(GroundTruthHeaders.read(new RecordHeaders(), STRICT))
        .isEqualTo(GroundTruthLabel.NONE);
    assertThat(GroundTruthHeaders.read(new RecordHeaders(), LENIENT))
        .isEqualTo(GroundTruthLabel.NONE);
    assertThat(GroundTruthHeaders.read(null, LENIENT)).isEqualTo(GroundTruthLabel.NONE);
    assertThat(GroundTruthLabel.NONE.present()).isFalse();
    assertThat(GroundTruthLabel.NONE.judge(new HeatmapEvent.Peak(0.5, 0.5, 1)))
        .isEqualTo(Outcome.NONE);
  }

  @Test
  void strictReadingRejectsMalformedValuesWithTheHeaderName() {
    assertThatThrownBy(() -> GroundTruthHeaders.read(headers("dog", "", "yes"), STRICT))
        .hasMessageContaining("gt-onscreen")
        .hasMessageContaining("'yes'");
    assertThatThrownBy(
            () -> GroundTruthHeaders.read(headers("dog", "0.1,0.1,0.2,0.2", null), STRICT))
        .hasMessageContaining("no 'gt-onscreen'");
    assertThatThrownBy(() -> GroundTruthHeaders.read(headers("dog", "", "true"), STRICT))
        .hasMessageContaining("needs at least one box");
    assertThatThrownBy(() -> GroundTruthHeaders.read(headers("dog", "0,0,1,1", "false"), STRICT))
        .hasMessageContaining("off-screen one none");
    assertThatThrownBy(() -> GroundTruthHeaders.parseBoxes("0.1,0.2,0.3", STRICT))
        .hasMessageContaining("gt-boxes")
        .hasMessageContaining("four numbers");
    assertThatThrownBy(() -> GroundTruthHeaders.parseBoxes("0.1,0.2,0.3,x", STRICT))
        .hasMessageContaining("not a number");
    assertThatThrownBy(() -> GroundTruthHeaders.parseBoxes("0.1,0.2,0.3,NaN", STRICT))
        .hasMessageContaining("not a number");
    assertThatThrownBy(() -> GroundTruthHeaders.parseBoxes("0.5,0.2,0.3,0.4", STRICT))
        .hasMessageContaining("out of order");
    assertThatThrownBy(() -> GroundTruthLabel.onscreen("dog", List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> GroundTruthHeaders.pixelBox(0, 0, 320, 10, 320, 240))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> GroundTruthHeaders.write(new RecordHeaders(), GroundTruthLabel.NONE))
        .isInstanceOf(IllegalArgumentException.class);
  }

  // ---- lenient reading (what a viewer shows of any producer's headers) --------------------------

  @Test
  void lenientReadingTakesTheThreeHeaders() {
    GroundTruthLabel gt =
        GroundTruthHeaders.read(headers("dog", "0.1,0.2,0.3,0.4;0.5,0.5,0.9,0.8", "true"), LENIENT);
    assertThat(gt.gtClass()).isEqualTo("dog");
    assertThat(gt.visibility()).isEqualTo(Visibility.ONSCREEN);
    assertThat(gt.boxes())
        .containsExactly(
            new NormalizedBox(0.1, 0.2, 0.3, 0.4), new NormalizedBox(0.5, 0.5, 0.9, 0.8));
  }

  @Test
  void aPeakInsideAnyBoxIsAHitEdgesIncluded() {
    GroundTruthLabel gt =
        GroundTruthHeaders.read(headers("dog", "0.1,0.2,0.3,0.4;0.5,0.5,0.9,0.8", "true"), LENIENT);
    assertThat(gt.judge(peak(0.2, 0.3))).isEqualTo(Outcome.HIT);
    assertThat(gt.judge(peak(0.7, 0.6))).isEqualTo(Outcome.HIT);
    assertThat(gt.judge(peak(0.3, 0.4))).isEqualTo(Outcome.HIT);
    assertThat(gt.judge(peak(0.4, 0.3))).isEqualTo(Outcome.MISS);
    assertThat(gt.judge(peak(0.95, 0.6))).isEqualTo(Outcome.MISS);
  }

  @Test
  void anOffscreenSourceIsNotJudged() {
    GroundTruthLabel gt = GroundTruthHeaders.read(headers("dog", "", "false"), LENIENT);
    assertThat(gt.present()).isTrue();
    assertThat(gt.judge(peak(0.5, 0.5))).isEqualTo(Outcome.OFFSCREEN);
  }

  @Test
  void withoutTheOnscreenHeaderTheBoxesDecide() {
    assertThat(GroundTruthHeaders.read(headers(null, "0,0,0.5,0.5", null), LENIENT).visibility())
        .isEqualTo(Visibility.ONSCREEN);
    assertThat(GroundTruthHeaders.read(headers(null, "", null), LENIENT).visibility())
        .isEqualTo(Visibility.OFFSCREEN);
  }

  @Test
  void lenientReadingAcceptsOtherSpellingsAndIgnoresAnUnreadableVisibility() {
    assertThat(GroundTruthHeaders.read(headers("dog", "0,0,1,1", " Yes "), LENIENT).isOnscreen())
        .isTrue();
    assertThat(GroundTruthHeaders.read(headers("dog", "", "0"), LENIENT).visibility())
        .isEqualTo(Visibility.OFFSCREEN);
    GroundTruthLabel classOnly = GroundTruthHeaders.read(headers("dog", null, "maybe"), LENIENT);
    assertThat(classOnly.gtClass()).isEqualTo("dog");
    assertThat(classOnly.present()).isFalse();
  }

  @Test
  void onScreenWithoutABoxIsUnlabelledWhenReadLeniently() {
    GroundTruthLabel gt = GroundTruthHeaders.read(headers("dog", "", "true"), LENIENT);
    assertThat(gt.judge(peak(0.5, 0.5))).isEqualTo(Outcome.UNLABELLED);
  }

  @Test
  void lenientReadingSkipsMalformedBoxesAndOrdersAndClipsCorners() {
    assertThat(
            GroundTruthHeaders.parseBoxes(
                "0.1,0.2,0.3; x,1,2,3 ;0.6,0.7,0.2,1.5; 0.1, 0.1, 0.2, 0.2;0,0,NaN,1", LENIENT))
        .containsExactly(
            new NormalizedBox(0.2, 0.7, 0.6, 1.0), new NormalizedBox(0.1, 0.1, 0.2, 0.2));
  }

  @Test
  void anOffscreenLabelDropsItsBoxesWhenReadLeniently() {
    GroundTruthLabel gt = GroundTruthHeaders.read(headers("dog", "0,0,1,1", "false"), LENIENT);
    assertThat(gt.boxes()).isEmpty();
    assertThat(gt.visibility()).isEqualTo(Visibility.OFFSCREEN);
  }

  private static HeatmapEvent.Peak peak(double x, double y) {
    return new HeatmapEvent.Peak(x, y, 1);
  }

  private static RecordHeaders headers(String cls, String boxes, String onscreen) {
    RecordHeaders h = new RecordHeaders();
    if (cls != null) {
      h.add(AvlocHeaders.GT_CLASS, cls.getBytes(StandardCharsets.UTF_8));
    }
    if (boxes != null) {
      h.add(AvlocHeaders.GT_BOXES, boxes.getBytes(StandardCharsets.UTF_8));
    }
    if (onscreen != null) {
      h.add(AvlocHeaders.GT_ONSCREEN, onscreen.getBytes(StandardCharsets.UTF_8));
    }
    return h;
  }

  private static String value(RecordHeaders h, String key) {
    return new String(h.lastHeader(key).value(), StandardCharsets.UTF_8);
  }
}
