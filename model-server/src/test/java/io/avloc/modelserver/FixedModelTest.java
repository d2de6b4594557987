package io.avloc.modelserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import io.avloc.core.artifact.ModelArtifact;
import io.avloc.core.artifact.ModelExporter;
import io.avloc.core.artifact.ModelManifest;
import io.avloc.core.model.Preset;
import io.avloc.modelserver.engine.EngineKind;
import io.avloc.modelserver.engine.EngineOptions;
import io.avloc.modelserver.engine.Engines;
import io.avloc.modelserver.engine.InferenceEngine;
import io.avloc.modelserver.engine.ModelShape;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FixedModelTest {

  /** Generous: only reached when the model is broken, whatever the machine's load. */
  private static final long PROGRESS_TIMEOUT_S = 120;

  @Test
  void closingWaitsForTheBatchOnTheEngineThenClosesItAndLaterRunsFailPlainly(@TempDir Path dir)
      throws Exception {
    Engine.getEngine("OnnxRuntime");
    ModelExporter.exportUntrained(
        Preset.LITE, ModelExporter.Description.untrained("fixed-test", "1", 3), 3, dir);
    InferenceEngine real =
        Engines.load(
                ModelArtifact.load(dir), List.of(EngineKind.ONNXRUNTIME), EngineOptions.DEFAULTS)
            .engine();
    Gated engine = new Gated(real);
    ModelShape shape = real.shape();
    float[] images = new float[shape.imageFloats()];
    float[] specs = new float[shape.spectrogramFloats(shape.frames())];
    BatchModel model = BatchModel.of(engine);

    CompletableFuture<InferenceEngine.Outputs> batch =
        CompletableFuture.supplyAsync(() -> model.hold().run(images, specs, 1, shape.frames()));
    assertThat(engine.entered.await(PROGRESS_TIMEOUT_S, TimeUnit.SECONDS)).isTrue();
    Thread closer = new Thread(model::close, "closer");
    closer.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(PROGRESS_TIMEOUT_S);
    while (closer.getState() != Thread.State.WAITING) {
      assertThat(System.nanoTime()).as("close() waits for the batch").isLessThan(deadline);
      Thread.onSpinWait();
    }
    assertThat(engine.closed).as("not closed under a running batch").isFalse();

    engine.gate.countDown();
    assertThat(batch.get(PROGRESS_TIMEOUT_S, TimeUnit.SECONDS).n()).isEqualTo(1);
    closer.join(TimeUnit.SECONDS.toMillis(PROGRESS_TIMEOUT_S));
    assertThat(closer.isAlive()).isFalse();
    assertThat(engine.closed).isTrue();

    assertThatThrownBy(() -> model.hold().run(images, specs, 1, shape.frames()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("fixed-test@1 is closed");
    model.close(); // twice is harmless
  }

  /** The real engine, held at the start of each run until the test opens the gate. */
  private static final class Gated implements InferenceEngine {
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch gate = new CountDownLatch(1);
    volatile boolean closed;
    private final InferenceEngine inner;

    Gated(InferenceEngine inner) {
      this.inner = inner;
    }

    @Override
    public Outputs run(float[] images, float[] spectrograms, int n, int frames) {
      entered.countDown();
      try {
        if (!gate.await(PROGRESS_TIMEOUT_S, TimeUnit.SECONDS)) {
          throw new AssertionError("held for " + PROGRESS_TIMEOUT_S + " s");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      return inner.run(images, spectrograms, n, frames);
    }

    @Override
    public EngineKind kind() {
      return inner.kind();
    }

    @Override
    public ModelManifest manifest() {
      return inner.manifest();
    }

    @Override
    public ModelShape shape() {
      return inner.shape();
    }

    @Override
    public void close() {
      closed = true;
      inner.close();
    }
  }
}
