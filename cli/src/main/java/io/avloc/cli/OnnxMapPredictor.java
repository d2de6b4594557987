package io.avloc.cli;

import io.avloc.core.artifact.ModelArtifact;
import io.avloc.modelserver.LocalizationModel;
import io.avloc.training.eval.MapPredictor;

/**
 * An evaluation predictor over a model artifact on ONNX Runtime: the serving path's {@link
 * LocalizationModel}, so a model is scored exactly as it will run in the pipeline. It lives here
 * because training does not depend on the model server. Single-threaded, like the evaluation.
 */
final class OnnxMapPredictor implements MapPredictor, AutoCloseable {

  private final LocalizationModel model;
  private final LocalizationModel.Session session;

  OnnxMapPredictor(ModelArtifact artifact) {
    this.model = LocalizationModel.load(artifact);
    this.session = model.newSession();
  }

  @Override
  public Prediction predict(float[] images, float[] spectrograms, int n, int frames) {
    LocalizationModel.Outputs out = session.run(images, spectrograms, n, frames);
    return new Prediction(out.n(), out.height(), out.width(), out.simmap());
  }

  @Override
  public void close() {
    session.close();
    model.close();
  }
}
