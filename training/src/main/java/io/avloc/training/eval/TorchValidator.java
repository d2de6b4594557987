package io.avloc.training.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.avloc.core.heatmap.Upsampling;
import io.avloc.core.model.AvLocalizer;
import io.avloc.core.model.AvLocalizerConfig;
import io.avloc.core.model.LocalizationNetwork;
import io.avloc.training.data.Sample;
import io.avloc.training.train.Trainer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The trainer's per-epoch validation: the network being trained, run in inference mode (BatchNorm
 * running statistics, no dropout) on DJL's PyTorch engine, scored with {@link Evaluation} on the AV
 * map with bicubic upsampling, as the reference's {@code train.py:validate} selects its best epoch.
 */
public final class TorchValidator implements Trainer.Validator {

  @Override
  public Map<String, Double> validate(
      LocalizationNetwork net, NDManager manager, List<Sample> clips) throws IOException {
    AvLocalizerConfig config = net.config();
    MapPredictor predictor = predictor(net, manager);
    Evaluation evaluation =
        new Evaluation(
            predictor,
            null,
            Evaluation.Options.defaults(config.imageSize()).withUpsampling(Upsampling.BICUBIC));
    EvalReport report = evaluation.run(clips, new PrintStream(OutputStream.nullOutputStream()));
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("ciou", report.ciou());
    metrics.put("auc", report.auc());
    metrics.put("mean_ciou", report.meanCiou());
    metrics.put("pointing", report.pointing());
    metrics.put("oracle_ciou", report.oracleCiou());
    if (report.onscreenAp() != null) {
      metrics.put("onscreen_ap", report.onscreenAp());
    }
    return metrics;
  }

  /**
   * The network as a {@link MapPredictor}: inference mode on DJL's PyTorch engine, the own-pair map
   * ({@code simmap}) of each clip.
   */
  public static MapPredictor predictor(LocalizationNetwork net, NDManager manager) {
    AvLocalizerConfig config = net.config();
    ParameterStore parameters = new ParameterStore(manager, false);
    return (images, spectrograms, n, frames) -> {
      try (NDManager scope = manager.newSubManager()) {
        int s = config.imageSize();
        NDArray image = scope.create(images, new Shape(n, 3, s, s));
        NDArray spec = scope.create(spectrograms, new Shape(n, 1, config.frequencyBins(), frames));
        NDArray simmap =
            net.forward(parameters, new NDList(image, spec), false).get(AvLocalizer.SIMMAP);
        Shape shape = simmap.getShape();
        return new MapPredictor.Prediction(
            n, (int) shape.get(1), (int) shape.get(2), simmap.toFloatArray());
      }
    };
  }
}
