package io.avloc.core.model;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Square max pooling over (N, C, H, W) with symmetric padding and floor rounding, as PyTorch's
 * {@code MaxPool2d(kernel, stride, padding)}: out = ⌊(in + 2·padding − kernel) / stride⌋ + 1.
 */
public final class MaxPool2d extends AbstractBlock {

  private final int kernel;
  private final int stride;
  private final int padding;

  /** Max pooling with a {@code kernel}×{@code kernel} window. */
  public MaxPool2d(int kernel, int stride, int padding) {
    this.kernel = kernel;
    this.stride = stride;
    this.padding = padding;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    return new NDList(
        Pool.maxPool2d(
            inputs.singletonOrThrow(),
            new Shape(kernel, kernel),
            new Shape(stride, stride),
            new Shape(padding, padding),
            false));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape in = inputShapes[0];
    return new Shape[] {
      new Shape(in.get(0), in.get(1), outputSize(in.get(2)), outputSize(in.get(3)))
    };
  }

  private long outputSize(long in) {
    return (in + 2L * padding - kernel) / stride + 1;
  }

  /** Window side. */
  public int kernel() {
    return kernel;
  }

  /** Step between windows. */
  public int stride() {
    return stride;
  }

  /** Padding on every side (padded cells never win the max). */
  public int padding() {
    return padding;
  }
}
