package io.avloc.core.detector;

import static org.assertj.core.api.Assertions.assertThat;

import io.avloc.core.event.HeatmapEvent;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClassHeatmapsTest {

  /** 4×4 positions, 80 classes: a "dog" (16) peak at row 1, col 2 and a weak "cat" (15) at 3, 0. */
  private static ClassHeatmaps sample() {
    int classes = CenterNet.COCO_LABELS.size();
    float[] v = new float[4 * 4 * classes];
    v[(1 * 4 + 2) * classes + 16] = 0.7f;
    v[(1 * 4 + 2) * classes + 15] = 0.3f;
    v[(3 * 4 + 0) * classes + 15] = 0.1f;
    return new ClassHeatmaps(4, 4, classes, v);
  }

  @Test
  void objectnessIsTheLargestClassScoreAtEachPosition() {
    double[] o = sample().objectness();
    assertThat(o).hasSize(16);
    assertThat(o[1 * 4 + 2]).isEqualTo(0.7f);
    assertThat(o[3 * 4]).isEqualTo(0.1f);
    assertThat(o[0]).isZero();
  }

  @Test
  void aBoxIsLabelledWithTheStrongestClassInsideItAboveTheThreshold() {
    HeatmapEvent.Box aroundDog = new HeatmapEvent.Box(0.5, 0.25, 0.75, 0.5, 0.9);
    HeatmapEvent.Box aroundWeakCat = new HeatmapEvent.Box(0.0, 0.75, 0.25, 1.0, 0.5);
    HeatmapEvent.Box empty = new HeatmapEvent.Box(0.0, 0.0, 0.25, 0.25, 0.4);

    List<HeatmapEvent.Box> labelled =
        sample()
            .label(List.of(aroundDog, aroundWeakCat, empty), ClassHeatmaps.DEFAULT_LABEL_THRESHOLD);

    assertThat(labelled.get(0).label()).isEqualTo("dog");
    assertThat(labelled.get(0)).isEqualTo(aroundDog.withLabel("dog"));
    assertThat(labelled.get(1).label()).as("below the threshold").isNull();
    assertThat(labelled.get(2)).isEqualTo(empty);
  }
}
