package io.avloc.cli;

import io.avloc.core.artifact.ModelArtifact;
import io.avloc.core.detector.ObjectGuidance;
import io.avloc.modelserver.engine.EngineKind;
import io.avloc.modelserver.engine.EngineOptions;
import io.avloc.modelserver.engine.Engines;
import io.avloc.modelserver.engine.InferenceEngine;
import io.avloc.training.eval.MapPredictor;
import java.util.List;

/**
 * An evaluation predictor over a model artifact loaded by the serving path's {@link Engines#load}
 * (the engine {@code avloc serve} and the streams app run), so a model is scored exactly as it will
 * run in the pipeline. It lives here because training does not depend on the model server.
 * Single-threaded, like the evaluation.
 */
final class EngineMapPredictor implements MapPredictor, AutoCloseable {

  private final InferenceEngine engine;
  private final ObjectGuidance guidance;

  /** On the first engine of {@code order} that loads the artifact (no warm-up: eval is offline). */
  EngineMapPredictor(ModelArtifact artifact, List<EngineKind> order) {
    this.engine = Engines.load(artifact, order, EngineOptions.DEFAULTS.withWarmup(false)).engine();
    this.guidance = ObjectGuidance.of(artifact.manifest()).orElse(null);
  }

  /** The engine the model runs on. */
  InferenceEngine engine() {
    return engine;
  }

  @Override
  public Prediction predict(float[] images, float[] spectrograms, int n, int frames) {
    InferenceEngine.Outputs out = engine.run(images, spectrograms, n, frames);
    return out.classHeatmaps() == null
        ? new Prediction(out.n(), out.height(), out.width(), out.simmap())
        : new Prediction(
            out.n(), out.height(), out.width(), out.simmap(), guidance, out.classHeatmaps());
  }

  @Override
  public void close() {
    engine.close();
  }
}
