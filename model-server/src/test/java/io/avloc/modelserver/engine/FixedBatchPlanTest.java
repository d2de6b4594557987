package io.avloc.modelserver.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.avloc.modelserver.engine.FixedBatchPlan.Chunk;
import java.util.List;
import org.junit.jupiter.api.Test;

class FixedBatchPlanTest {

  private final FixedBatchPlan oneAndEight = new FixedBatchPlan(List.of(8, 1));

  @Test
  void fullChunksUseTheLargestGraphAndTheRestTheSmallestThatHoldsIt() {
    assertThat(oneAndEight.split(1)).containsExactly(new Chunk(1, 1));
    assertThat(oneAndEight.split(3)).containsExactly(new Chunk(8, 3));
    assertThat(oneAndEight.split(8)).containsExactly(new Chunk(8, 8));
    assertThat(oneAndEight.split(17))
        .containsExactly(new Chunk(8, 8), new Chunk(8, 8), new Chunk(1, 1));
  }

  @Test
  void aSingleGraphPadsEverything() {
    FixedBatchPlan four = new FixedBatchPlan(List.of(4));
    assertThat(four.split(1)).containsExactly(new Chunk(4, 1));
    assertThat(four.split(6)).containsExactly(new Chunk(4, 4), new Chunk(4, 2));
  }
}
