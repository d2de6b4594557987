package io.avloc.core.heatmap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class HeatmapPostProcessorTest {
  private final HeatmapPostProcessor processor =
      new HeatmapPostProcessor(HeatmapPostProcessor.Options.DEFAULTS);

  @Test
  void aHotCornerGivesPeakBoxAndGridInThatCorner() {
    // 2x2 similarity map, hottest bottom-right; the scale does not matter.
    HeatmapPostProcessor.Localization loc =
        processor.process(new float[] {-3f, -3f, -3f, 9f}, 2, 2);
    assertThat(loc.peak().x()).isEqualTo(223.5 / 224);
    assertThat(loc.peak().y()).isEqualTo(223.5 / 224);
    assertThat(loc.peak().score()).isEqualTo(1.0);
    assertThat(loc.grid().w()).isEqualTo(28);
    assertThat(loc.grid().h()).isEqualTo(28);
    assertThat(loc.grid().at(27, 27)).isGreaterThan(loc.grid().at(0, 0));
    assertThat(loc.boxes()).hasSize(1);
    // Bilinear between 0 and 1 along each axis: pixels with x·y ≥ 0.5 (x, y in [0,1]) are kept,
    // so the box reaches the far corner and starts half-way along each axis.
    assertThat(loc.boxes().get(0).x2()).isEqualTo(1.0);
    assertThat(loc.boxes().get(0).y2()).isEqualTo(1.0);
    assertThat(loc.boxes().get(0).x1()).isBetween(0.49, 0.51);
    assertThat(loc.boxes().get(0).y1()).isBetween(0.49, 0.51);
  }

  @Test
  void aFlatMapHasNoBoxes() {
    HeatmapPostProcessor.Localization loc =
        processor.process(new float[] {0.8f, 0.8f, 0.8f, 0.8f}, 2, 2);
    assertThat(loc.boxes()).isEmpty();
    assertThat(loc.peak().score()).isCloseTo(0.8, within(1e-6));
  }
}
