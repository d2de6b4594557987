package io.avloc.core.event;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class HeatmapEventTest {

  @Test
  void aGridMustHoldExactlyWTimesHValues() {
    assertThatThrownBy(() -> new HeatmapEvent.Grid(7, 7, new float[48]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("needs 49 values, got 48");
  }

  @Test
  void gridValuesMustLieInTheUnitInterval() {
    assertThatThrownBy(() -> new HeatmapEvent.Grid(1, 2, new float[] {0.5f, 1.5f}))
        .hasMessageContaining("[0,1]");
    assertThatThrownBy(() -> new HeatmapEvent.Grid(1, 1, new float[] {Float.NaN}))
        .hasMessageContaining("[0,1]");
  }

  @Test
  void boxCornersMustBeOrderedAndNormalized() {
    assertThatThrownBy(() -> new HeatmapEvent.Box(0.6, 0.1, 0.5, 0.2, 1))
        .hasMessageContaining("out of order");
    assertThatThrownBy(() -> new HeatmapEvent.Box(0.1, 0.1, 1.2, 0.2, 1))
        .hasMessageContaining("box.x2");
  }

  @Test
  void latenciesCannotBeNegative() {
    assertThatThrownBy(() -> new HeatmapEvent.Latency(-1, 0, 0, 0))
        .hasMessageContaining("latencyMs.sync");
  }

  @Test
  void theAudioVisualScoreIsACosine() {
    HeatmapEvent e = HeatmapEvents.sample();
    assertThatThrownBy(
            () ->
                new HeatmapEvent(
                    e.camera(),
                    e.frameTsUs(),
                    e.model(),
                    e.method(),
                    e.grid(),
                    e.peak(),
                    33.3,
                    List.of(),
                    e.audio(),
                    e.latencyMs(),
                    e.emittedAtUs()))
        .hasMessageContaining("avScore");
  }

  @Test
  void theCameraIsRequired() {
    HeatmapEvent e = HeatmapEvents.sample();
    assertThatThrownBy(
            () ->
                new HeatmapEvent(
                    " ",
                    e.frameTsUs(),
                    e.model(),
                    e.method(),
                    e.grid(),
                    e.peak(),
                    e.avScore(),
                    List.of(),
                    e.audio(),
                    e.latencyMs(),
                    e.emittedAtUs()))
        .hasMessageContaining("camera");
  }
}
