package io.avloc.core.model;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Divides every vector along axis 1 by its Euclidean norm, as PyTorch's {@code F.normalize(x,
 * dim=1)}: x / max(‖x‖₂, ε) with ε = 1e-12. On (N, D, h, w) this normalises the D channels at each
 * position; on (N, D) each row.
 */
public final class L2Normalize extends AbstractBlock {

  /** PyTorch's {@code F.normalize} default. */
  public static final float EPSILON = 1e-12f;

  /** Axis that is normalised. */
  public static final int AXIS = 1;

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    return new NDList(inputs.singletonOrThrow().normalize(2, AXIS, EPSILON));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }

  /** ε that bounds the divisor away from 0. */
  public float epsilon() {
    return EPSILON;
  }
}
