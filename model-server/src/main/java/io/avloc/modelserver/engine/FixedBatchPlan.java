package io.avloc.modelserver.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * How a batch of any size runs on graphs of fixed batch sizes (TensorRT 8 wants every dimension
 * fixed): full chunks of the largest size while they fill it, then the remainder on the smallest
 * graph that holds it, zero-padded. With graphs {1, 8}: 1 → [1], 3 → [8 holding 3], 11 → [8, 8
 * holding 3].
 */
final class FixedBatchPlan {

  /**
   * One call of a fixed-size graph.
   *
   * @param graphBatch the graph's batch size
   * @param samples how many real samples it holds (the rest is padding)
   */
  record Chunk(int graphBatch, int samples) {}

  private final TreeSet<Integer> sizes;

  FixedBatchPlan(List<Integer> sizes) {
    if (sizes.isEmpty()) {
      throw new IllegalArgumentException("no fixed batch sizes");
    }
    this.sizes = new TreeSet<>(sizes);
  }

  List<Chunk> split(int n) {
    List<Chunk> chunks = new ArrayList<>();
    int largest = sizes.last();
    int left = n;
    while (left >= largest) {
      chunks.add(new Chunk(largest, largest));
      left -= largest;
    }
    if (left > 0) {
      chunks.add(new Chunk(sizes.ceiling(left), left));
    }
    return chunks;
  }
}
