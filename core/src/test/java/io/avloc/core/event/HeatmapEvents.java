package io.avloc.core.event;

import java.util.List;

/** Example events for tests. */
public final class HeatmapEvents {
  private HeatmapEvents() {}

  public static HeatmapEvent sample() {
    float[] values = new float[7 * 7];
    for (int i = 0; i < values.length; i++) {
      values[i] = i / (float) (values.length - 1);
    }
    return new HeatmapEvent(
        "cam-1",
        1_700_000_000_000_000L,
        "ezvsl-lite@1",
        "ezvsl",
        new HeatmapEvent.Grid(7, 7, values),
        new HeatmapEvent.Peak(0.93, 0.93, 1.0),
        0.42,
        List.of(
            new HeatmapEvent.Box(0.5, 0.6, 1.0, 1.0, 0.8).withLabel("dog"),
            new HeatmapEvent.Box(0.0, 0.0, 0.2, 0.3, 0.4)),
        new HeatmapEvent.AudioWindow(1_699_999_997_500_000L, 1_700_000_000_500_000L, false),
        new HeatmapEvent.Latency(1.5, 3.25, 12.0, 17.75),
        1_700_000_000_020_000L);
  }
}
