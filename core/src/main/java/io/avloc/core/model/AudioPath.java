package io.avloc.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.function.BiFunction;

/**
 * The audio side shared by {@link AvLocalizer} and {@link DetectorHeadLocalizer} (docs/methods.md
 * §2): spectrogram (N,1,F,T) ─ ResNet-18 trunk with a 1-channel stem ─ global max pool ─ linear +
 * bias ─ L2 ─ A (N,D).
 *
 * <p>Not a block of its own: its four blocks are children of the localizer itself, under the names
 * {@code audioTrunk}, {@code audioPool}, {@code audioProjection} and {@code audioNorm}, so that the
 * parameter files and ONNX graphs of existing artifacts keep their names.
 */
record AudioPath(ResNet18Trunk trunk, GlobalMaxPool pool, Linear projection, L2Normalize norm) {

  /**
   * Builds the four blocks for {@code config}'s widths and embedding size and adds each to the
   * owning localizer with {@code addChild} (its {@code addChildBlock}), in forward order.
   */
  static AudioPath add(AvLocalizerConfig config, BiFunction<String, Block, Block> addChild) {
    return new AudioPath(
        (ResNet18Trunk) addChild.apply("audioTrunk", new ResNet18Trunk(1, config.audioWidths())),
        (GlobalMaxPool) addChild.apply("audioPool", new GlobalMaxPool()),
        (Linear)
            addChild.apply(
                "audioProjection",
                Linear.builder().setUnits(config.embeddingDim()).optBias(true).build()),
        (L2Normalize) addChild.apply("audioNorm", new L2Normalize()));
  }

  /** A (N,D), L2-normalised, for a spectrogram batch. */
  NDArray forward(
      ParameterStore ps, NDArray spectrogram, boolean training, PairList<String, Object> params) {
    NDList a = trunk.forward(ps, new NDList(spectrogram), training, params);
    a = pool.forward(ps, a, training, params);
    a = projection.forward(ps, a, training, params);
    return norm.forward(ps, a, training, params).singletonOrThrow();
  }

  /** Initialises the four blocks for a spectrogram batch of shape {@code spectrogram}. */
  void initialize(NDManager manager, DataType dataType, Shape spectrogram) {
    trunk.initialize(manager, dataType, spectrogram);
    Shape features = trunk.getOutputShapes(new Shape[] {spectrogram})[0];
    pool.initialize(manager, dataType, features);
    Shape pooled = pool.getOutputShapes(new Shape[] {features})[0];
    projection.initialize(manager, dataType, pooled);
    norm.initialize(manager, dataType, projection.getOutputShapes(new Shape[] {pooled})[0]);
  }
}
