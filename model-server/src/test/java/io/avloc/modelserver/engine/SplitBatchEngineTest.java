package io.avloc.modelserver.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.avloc.core.artifact.ModelManifest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SplitBatchEngineTest {

  private static final ModelShape SHAPE = new ModelShape(2, 2, 1, 1, 2, 3);

  @Test
  void partsRunOnSeveralThreadsAndTheirOutputsComeBackInSampleOrder() {
    Fake inner = new Fake(-1);
    try (SplitBatchEngine engine = new SplitBatchEngine(inner, 3)) {
      int n = 7;
      InferenceEngine.Outputs out = engine.run(images(n), new float[n * 2], n, 1);

      assertThat(out.n()).isEqualTo(n);
      for (int i = 0; i < n; i++) {
        assertThat(out.simmap(i)).containsExactly((float) i, -(float) i);
        assertThat(out.audioEmbeddings()[3 * i]).isEqualTo(i);
      }
      assertThat(inner.batchSizes).containsExactlyInAnyOrder(2, 2, 3);
      assertThat(inner.threads).hasSize(3);
    }
  }

  @Test
  void aBatchSmallerThanThePartsIsSplitIntoSingleSamples() {
    Fake inner = new Fake(-1);
    try (SplitBatchEngine engine = new SplitBatchEngine(inner, 4)) {
      assertThat(engine.run(images(1), new float[2], 1, 1).simmap(0)).containsExactly(0f, -0f);
      inner.batchSizes.clear();
      assertThat(engine.run(images(2), new float[4], 2, 1).n()).isEqualTo(2);
      assertThat(inner.batchSizes).containsExactly(1, 1);
    }
  }

  @Test
  void aFailingPartFailsTheBatchOnlyOnceEveryPartHasReturned() {
    Fake inner = new Fake(5); // the part holding sample 5 fails
    try (SplitBatchEngine engine = new SplitBatchEngine(inner, 3)) {
      assertThatThrownBy(() -> engine.run(images(6), new float[12], 6, 1))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("engine failed on sample 5");
      assertThat(inner.returned.get()).as("every part finished").isEqualTo(3);
    }
  }

  /** Images whose first float is the sample's index; one image is 3 × 2 × 2 floats. */
  private static float[] images(int n) {
    float[] a = new float[n * SHAPE.imageFloats()];
    for (int i = 0; i < n; i++) {
      a[i * SHAPE.imageFloats()] = i;
    }
    return a;
  }

  /** Returns simmap (index, -index) and embeddings (index, 0, 0) for each sample it is given. */
  private static final class Fake implements InferenceEngine {
    final List<Integer> batchSizes = Collections.synchronizedList(new ArrayList<>());
    final Set<Thread> threads = ConcurrentHashMap.newKeySet();
    final AtomicInteger returned = new AtomicInteger();
    private final int failOn;

    Fake(int failOn) {
      this.failOn = failOn;
    }

    @Override
    public EngineKind kind() {
      return EngineKind.ONNXRUNTIME;
    }

    @Override
    public ModelManifest manifest() {
      throw new UnsupportedOperationException();
    }

    @Override
    public ModelShape shape() {
      return SHAPE;
    }

    @Override
    public Outputs run(float[] images, float[] spectrograms, int n, int frames) {
      try {
        threads.add(Thread.currentThread());
        batchSizes.add(n);
        float[] simmap = new float[n * 2];
        float[] emb = new float[n * 3];
        for (int i = 0; i < n; i++) {
          float index = images[i * SHAPE.imageFloats()];
          if (index == failOn) {
            throw new IllegalStateException("engine failed on sample " + failOn);
          }
          simmap[2 * i] = index;
          simmap[2 * i + 1] = -index;
          emb[3 * i] = index;
        }
        return new Outputs(n, 1, 2, simmap, emb);
      } finally {
        returned.incrementAndGet();
      }
    }

    @Override
    public void close() {}
  }
}
