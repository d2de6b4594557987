package io.avloc.modelserver.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.avloc.modelserver.engine.InferenceEngine.Outputs;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Batches split over fixed-size graphs or engine threads come back as one: every output, the class
 * heatmaps of a detector-trunk model included, in sample order, padding dropped.
 */
class InferenceOutputsTest {

  /** n samples whose every value is its sample index plus {@code base}. */
  private static Outputs outputs(int n, float base, boolean classHeatmaps) {
    float[] simmap = new float[n * 4];
    float[] emb = new float[n * 3];
    float[] classes = classHeatmaps ? new float[n * 5] : null;
    for (int i = 0; i < n; i++) {
      java.util.Arrays.fill(simmap, i * 4, i * 4 + 4, base + i);
      java.util.Arrays.fill(emb, i * 3, i * 3 + 3, base + i);
      if (classHeatmaps) {
        java.util.Arrays.fill(classes, i * 5, i * 5 + 5, base + i);
      }
    }
    return new Outputs(n, 2, 2, simmap, emb, classes);
  }

  @Test
  void theHeadOfAPaddedBatchKeepsItsFirstSamplesInEveryOutput() {
    Outputs two = outputs(4, 0, true).head(2);
    assertThat(two.n()).isEqualTo(2);
    assertThat(two.simmap()).containsExactly(0, 0, 0, 0, 1, 1, 1, 1);
    assertThat(two.audioEmbeddings()).containsExactly(0, 0, 0, 1, 1, 1);
    assertThat(two.classHeatmaps()).containsExactly(0, 0, 0, 0, 0, 1, 1, 1, 1, 1);
  }

  @Test
  void partsJoinInOrderWithTheirClassHeatmaps() {
    Outputs joined = Outputs.concat(List.of(outputs(1, 10, true), outputs(2, 20, true)));
    assertThat(joined.n()).isEqualTo(3);
    assertThat(joined.simmap(2)).containsExactly(21, 21, 21, 21);
    assertThat(joined.audioEmbeddings()).containsExactly(10, 10, 10, 20, 20, 20, 21, 21, 21);
    assertThat(joined.classHeatmaps()).hasSize(15).startsWith(10, 10, 10, 10, 10, 20).endsWith(21);
  }

  @Test
  void aModelWithoutClassHeatmapsJoinsWithoutThem() {
    Outputs joined = Outputs.concat(List.of(outputs(2, 0, false), outputs(1, 5, false)));
    assertThat(joined.classHeatmaps()).isNull();
    assertThat(joined.simmap(2)).containsExactly(5, 5, 5, 5);
    assertThat(new Outputs(1, 2, 2, new float[4], new float[3]).classHeatmaps()).isNull();
  }
}
