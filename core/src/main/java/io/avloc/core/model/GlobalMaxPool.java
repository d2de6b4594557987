package io.avloc.core.model;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Maximum over all spatial positions: (N, C, H, W) → (N, C). The papers' audio network replaces
 * ResNet's average pool with this ({@code AdaptiveMaxPool2d(1)} followed by a flatten).
 */
public final class GlobalMaxPool extends AbstractBlock {

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    return new NDList(Pool.globalMaxPool2d(inputs.singletonOrThrow()));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0].slice(0, 2)};
  }
}
