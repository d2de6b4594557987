package io.avloc.core.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;

/** Test helpers: networks on the PyTorch engine with seeded initialisation. */
public final class Networks {

  private Networks() {}

  /** A base manager of the PyTorch engine (the engine the trainer uses). */
  public static NDManager pytorchManager() {
    return Engine.getEngine("PyTorch").newBaseManager();
  }

  /**
   * A network for {@code config} initialised for batch 1 with the engine seeded by {@code seed}.
   */
  public static AvLocalizer initialized(AvLocalizerConfig config, NDManager manager, int seed) {
    Engine.getEngine("PyTorch").setRandomSeed(seed);
    AvLocalizer net = new AvLocalizer(config);
    net.initialize(manager, DataType.FLOAT32, config.inputShapes(1));
    return net;
  }

  /** Random (image, spectrogram) inputs, standard normal. */
  public static NDList randomInputs(NDManager manager, AvLocalizerConfig config, int batch) {
    return randomInputs(manager, config, batch, config.frames());
  }

  /** Random inputs with a given spectrogram frame count. */
  public static NDList randomInputs(
      NDManager manager, AvLocalizerConfig config, int batch, int frames) {
    NDArray image = manager.randomNormal(config.imageShape(batch));
    NDArray spec = manager.randomNormal(new Shape(batch, 1, config.frequencyBins(), frames));
    image.setName(AvLocalizer.INPUT_NAMES.get(0));
    spec.setName(AvLocalizer.INPUT_NAMES.get(1));
    return new NDList(image, spec);
  }

  /**
   * Replaces every batch norm's statistics and shift with random, non-trivial values (mean ~ N(0,
   * 0.2²), var ~ U(0.5, 2), β ~ N(0, 0.1²)), so that a test comparing two implementations fails
   * when either gets batch norm wrong.
   */
  public static void randomizeBatchNorms(Block root, NDManager manager) {
    if (root instanceof BatchNorm2d bn) {
      Shape shape = bn.runningMean().getShape();
      bn.runningMean()
          .getArray()
          .set(manager.randomNormal(0, 0.2f, shape, DataType.FLOAT32).toFloatArray());
      bn.runningVar().getArray().set(manager.randomUniform(0.5f, 2f, shape).toFloatArray());
      bn.beta()
          .getArray()
          .set(manager.randomNormal(0, 0.1f, shape, DataType.FLOAT32).toFloatArray());
    }
    for (Block child : root.getChildren().values()) {
      randomizeBatchNorms(child, manager);
    }
  }

  /** Inference-mode forward. */
  public static NDList infer(AvLocalizer net, NDManager manager, NDList inputs) {
    return net.forward(new ParameterStore(manager, false), inputs, false);
  }

  /** Training-mode forward (batch-norm batch statistics, dropout on). */
  public static NDList train(AvLocalizer net, NDManager manager, NDList inputs) {
    return net.forward(new ParameterStore(manager, false), inputs, true);
  }
}
