package io.avloc.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Batch normalisation over the channel axis of (N, C, H, W), with PyTorch's {@code BatchNorm2d}
 * semantics: ε = 1e-5 and running statistics updated with momentum 0.1 in training. DJL's own
 * {@code BatchNorm} computes the same thing but hides ε, which the ONNX exporter must copy, so this
 * block keeps both hyper-parameters visible.
 *
 * <p>Parameters: {@code gamma}, {@code beta} (trainable) and {@code runningMean}, {@code
 * runningVar} (statistics), each of shape (C).
 */
public final class BatchNorm2d extends AbstractBlock {

  /** PyTorch's default ε. */
  public static final float DEFAULT_EPSILON = 1e-5f;

  /** PyTorch's default momentum (weight of the new batch statistic). */
  public static final float DEFAULT_MOMENTUM = 0.1f;

  private static final byte VERSION = 1;

  private final int channels;
  private final float epsilon;
  private final float momentum;
  private final Parameter gamma;
  private final Parameter beta;
  private final Parameter runningMean;
  private final Parameter runningVar;

  /** A batch norm over {@code channels} channels with PyTorch's defaults. */
  public BatchNorm2d(int channels) {
    super(VERSION);
    this.channels = channels;
    this.epsilon = DEFAULT_EPSILON;
    this.momentum = DEFAULT_MOMENTUM;
    Shape shape = new Shape(channels);
    gamma = addParameter(param("gamma", Parameter.Type.GAMMA, shape, true));
    beta = addParameter(param("beta", Parameter.Type.BETA, shape, true));
    runningMean = addParameter(param("runningMean", Parameter.Type.RUNNING_MEAN, shape, false));
    runningVar = addParameter(param("runningVar", Parameter.Type.RUNNING_VAR, shape, false));
  }

  private static Parameter param(String name, Parameter.Type type, Shape shape, boolean trained) {
    return Parameter.builder()
        .setName(name)
        .setType(type)
        .optShape(shape)
        .optRequiresGrad(trained)
        .build();
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    var device = x.getDevice();
    // DJL's momentum is the weight of the old running value; PyTorch's that of the new batch.
    return BatchNorm.batchNorm(
        x,
        ps.getValue(runningMean, device, training),
        ps.getValue(runningVar, device, training),
        ps.getValue(gamma, device, training),
        ps.getValue(beta, device, training),
        1,
        1f - momentum,
        epsilon,
        training);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }

  /** Channel count C. */
  public int channels() {
    return channels;
  }

  /** ε added to the variance before the square root. */
  public float epsilon() {
    return epsilon;
  }

  /** Weight of the new batch statistic in the running averages (PyTorch convention). */
  public float momentum() {
    return momentum;
  }

  /** Scale γ, (C). */
  public Parameter gamma() {
    return gamma;
  }

  /** Shift β, (C). */
  public Parameter beta() {
    return beta;
  }

  /** Running mean, (C). */
  public Parameter runningMean() {
    return runningMean;
  }

  /** Running (biased-by-PyTorch-rules) variance, (C). */
  public Parameter runningVar() {
    return runningVar;
  }
}
