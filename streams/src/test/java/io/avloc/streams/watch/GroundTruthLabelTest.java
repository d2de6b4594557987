package io.avloc.streams.watch;

import static org.assertj.core.api.Assertions.assertThat;

import io.avloc.core.event.HeatmapEvent;
import io.avloc.core.metrics.NormalizedBox;
import io.avloc.streams.watch.GroundTruthLabel.Outcome;
import io.avloc.streams.watch.GroundTruthLabel.Visibility;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class GroundTruthLabelTest {

  private static HeatmapEvent.Peak peak(double x, double y) {
    return new HeatmapEvent.Peak(x, y, 1);
  }

  @Test
  void readsTheThreeHeaders() {
    GroundTruthLabel gt =
        GroundTruthLabel.fromHeaders(
            TestEvents.truthHeaders("dog", "0.1,0.2,0.3,0.4;0.5,0.5,0.9,0.8", true));
    assertThat(gt.gtClass()).isEqualTo("dog");
    assertThat(gt.visibility()).isEqualTo(Visibility.ONSCREEN);
    assertThat(gt.boxes())
        .containsExactly(
            new NormalizedBox(0.1, 0.2, 0.3, 0.4), new NormalizedBox(0.5, 0.5, 0.9, 0.8));
  }

  @Test
  void aPeakInsideAnyBoxIsAHitEdgesIncluded() {
    GroundTruthLabel gt =
        GroundTruthLabel.fromHeaders(
            TestEvents.truthHeaders("dog", "0.1,0.2,0.3,0.4;0.5,0.5,0.9,0.8", true));
    assertThat(gt.judge(peak(0.2, 0.3))).isEqualTo(Outcome.HIT);
    assertThat(gt.judge(peak(0.7, 0.6))).isEqualTo(Outcome.HIT);
    assertThat(gt.judge(peak(0.3, 0.4))).isEqualTo(Outcome.HIT);
    assertThat(gt.judge(peak(0.4, 0.3))).isEqualTo(Outcome.MISS);
    assertThat(gt.judge(peak(0.95, 0.6))).isEqualTo(Outcome.MISS);
  }

  @Test
  void anOffscreenSourceIsNotJudged() {
    GroundTruthLabel gt = GroundTruthLabel.fromHeaders(TestEvents.truthHeaders("dog", "", false));
    assertThat(gt.present()).isTrue();
    assertThat(gt.judge(peak(0.5, 0.5))).isEqualTo(Outcome.OFFSCREEN);
  }

  @Test
  void withoutHeadersThereIsNoTruth() {
    assertThat(GroundTruthLabel.fromHeaders(new RecordHeaders())).isEqualTo(GroundTruthLabel.NONE);
    assertThat(GroundTruthLabel.NONE.judge(peak(0.5, 0.5))).isEqualTo(Outcome.NONE);
    assertThat(GroundTruthLabel.NONE.present()).isFalse();
  }

  @Test
  void withoutTheOnscreenHeaderTheBoxesDecide() {
    RecordHeaders withBox = new RecordHeaders();
    withBox.add(GroundTruthLabel.BOXES, "0,0,0.5,0.5".getBytes(StandardCharsets.UTF_8));
    assertThat(GroundTruthLabel.fromHeaders(withBox).visibility()).isEqualTo(Visibility.ONSCREEN);
    RecordHeaders empty = new RecordHeaders();
    empty.add(GroundTruthLabel.BOXES, new byte[0]);
    assertThat(GroundTruthLabel.fromHeaders(empty).visibility()).isEqualTo(Visibility.OFFSCREEN);
  }

  @Test
  void onScreenWithoutABoxIsUnlabelled() {
    GroundTruthLabel gt = GroundTruthLabel.fromHeaders(TestEvents.truthHeaders("dog", "", true));
    assertThat(gt.judge(peak(0.5, 0.5))).isEqualTo(Outcome.UNLABELLED);
  }

  @Test
  void malformedBoxesAreSkippedAndCornersOrderedAndClipped() {
    assertThat(
            GroundTruthLabel.parseBoxes(
                "0.1,0.2,0.3; x,1,2,3 ;0.6,0.7,0.2,1.5; 0.1, 0.1, 0.2, 0.2"))
        .containsExactly(
            new NormalizedBox(0.2, 0.7, 0.6, 1.0), new NormalizedBox(0.1, 0.1, 0.2, 0.2));
  }
}
