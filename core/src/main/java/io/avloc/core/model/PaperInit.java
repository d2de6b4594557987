package io.avloc.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.training.initializer.Initializer;

/**
 * The papers' random initialisation (docs/methods.md §2), attached as DJL {@link Initializer}s so
 * that {@code Block.initialize} draws it:
 *
 * <ul>
 *   <li>conv weights: {@code kaiming_normal_(mode='fan_out', nonlinearity='relu')}, N(0, 2 / (C_out
 *       · k²));
 *   <li>linear weights: {@code trunc_normal_(std=0.01)} with absolute bounds ±2. The bounds are 200
 *       σ away, so a plain normal clipped to ±2 is the same distribution in practice (no
 *       resampling);
 *   <li>batch norm: γ ~ N(1, 0.02²) (std 0.02), β = 0, running mean 0, running variance 1;
 *   <li>biases: PyTorch's default U(±1/√fan_in), fan_in = C_in · k² (conv) or in-features (linear).
 * </ul>
 *
 * Draws use the engine's generator, so {@code Engine.setRandomSeed} makes them reproducible.
 */
public final class PaperInit {

  /** Std of the linear weights. */
  public static final float LINEAR_STD = 0.01f;

  /** Absolute truncation bound of the linear weights. */
  public static final float LINEAR_BOUND = 2f;

  /** Std of the batch-norm scale around 1. */
  public static final float GAMMA_STD = 0.02f;

  private PaperInit() {}

  /** Attaches the initialisers to every conv, linear and batch-norm layer under {@code root}. */
  public static void apply(Block root) {
    if (root instanceof Conv2d || root instanceof Linear) {
      Parameter weight = root.getDirectParameters().get("weight");
      weight.setInitializer(root instanceof Conv2d ? kaimingNormalFanOut() : linearWeight());
      Parameter bias = root.getDirectParameters().get("bias");
      if (bias != null) {
        // The bias bound depends on the weight's fan-in, known once the weight shape is set.
        bias.setInitializer(
            (manager, shape, dataType) ->
                manager.randomUniform(
                    -biasBound(weight.getShape()), biasBound(weight.getShape()), shape, dataType));
      }
    } else if (root instanceof BatchNorm2d bn) {
      bn.gamma()
          .setInitializer(
              (manager, shape, dataType) -> manager.randomNormal(1f, GAMMA_STD, shape, dataType));
      bn.beta().setInitializer(Initializer.ZEROS);
      bn.runningMean().setInitializer(Initializer.ZEROS);
      bn.runningVar().setInitializer(Initializer.ONES);
    }
    for (Block child : root.getChildren().values()) {
      apply(child);
    }
  }

  /** N(0, 2 / fan_out) with fan_out = shape[0] · (product of the kernel dims). */
  public static Initializer kaimingNormalFanOut() {
    return (manager, shape, dataType) -> {
      long fanOut = shape.size() / shape.get(1);
      return manager.randomNormal(0f, (float) Math.sqrt(2.0 / fanOut), shape, dataType);
    };
  }

  /** N(0, 0.01²) clipped to ±2. */
  public static Initializer linearWeight() {
    return (manager, shape, dataType) -> {
      NDArray draw = manager.randomNormal(0f, LINEAR_STD, shape, dataType);
      NDArray clipped = draw.clip(-LINEAR_BOUND, LINEAR_BOUND);
      draw.close();
      return clipped;
    };
  }

  /** 1/√fan_in for a weight of shape (out, in, k...). */
  static float biasBound(Shape weightShape) {
    long fanIn = weightShape.size() / weightShape.get(0);
    return (float) (1.0 / Math.sqrt(fanIn));
  }
}
