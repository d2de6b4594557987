package io.avloc.core.heatmap;

import static org.assertj.core.api.Assertions.assertThat;

import io.avloc.core.event.HeatmapEvent;
import org.junit.jupiter.api.Test;

class GridDownsamplerTest {

  @Test
  void cellsAreMeansOfTheirBlocks() {
    double[] map = {
      0.0, 0.2, 1.0, 1.0,
      0.2, 0.2, 1.0, 1.0,
      0.5, 0.5, 0.0, 0.0,
      0.5, 0.5, 0.0, 0.4,
    };
    HeatmapEvent.Grid grid = GridDownsampler.downsample(map, 4, 4, 2, 2);
    assertThat(grid.w()).isEqualTo(2);
    assertThat(grid.h()).isEqualTo(2);
    assertThat(grid.values()).containsExactly(0.15f, 1.0f, 0.5f, 0.1f);
  }

  @Test
  void unevenCellsOverlapLikeAdaptiveAveragePooling() {
    // Width 3 -> 2: cells cover columns [0, 2) and [1, 3); height 1 -> 1.
    HeatmapEvent.Grid grid = GridDownsampler.downsample(new double[] {0.0, 0.5, 1.0}, 1, 3, 1, 2);
    assertThat(grid.values()).containsExactly(0.25f, 0.75f);
  }

  @Test
  void valuesOutsideTheUnitIntervalAreClamped() {
    HeatmapEvent.Grid grid = GridDownsampler.downsample(new double[] {-0.5, 1.5}, 1, 2, 1, 2);
    assertThat(grid.values()).containsExactly(0f, 1f);
  }
}
