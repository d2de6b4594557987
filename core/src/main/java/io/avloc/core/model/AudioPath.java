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
 * §2): spectrogram (N,1,F,T) ─ ResNet-18 trunk with a 1-channel stem ─ global max pool ─ [batch
 * norm] ─ linear + bias ─ L2 ─ A (N,D).
 *
 * <p>The optional batch norm over the pooled features ({@code audioBatchNorm}, avloc's addition,
 * off in the methods as published) exists because a trunk trained from scratch pools to nearly the
 * same positive vector whatever it hears: measured on a freshly initialised lite trunk, the pooled
 * features of pure tones 300 Hz apart have cosine 0.999, and so do the embeddings, the input-
 * dependent part being ~2.5 % of their length. The contrastive losses then see one audio embedding
 * for every clip and sit at their chance value. Standardising each pooled channel over the batch
 * (in training; with the running statistics at inference) leaves only what differs between clips
 * (the same tones: cosine −0.19 between different ones, 0.98 within one). The reference code does
 * not need it because its audio trunk starts from ImageNet weights.
 *
 * <p>Not a block of its own: its four blocks are children of the localizer itself, under the names
 * {@code audioTrunk}, {@code audioPool}, {@code audioProjection} and {@code audioNorm}, so that the
 * parameter files and ONNX graphs of existing artifacts keep their names; the batch norm, when
 * there is one, is a fifth child {@code audioBatchNorm} added after them ({@code batchNorm} is
 * {@code null} otherwise).
 */
record AudioPath(
    ResNet18Trunk trunk,
    GlobalMaxPool pool,
    Linear projection,
    L2Normalize norm,
    BatchNorm2d batchNorm) {

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
        (L2Normalize) addChild.apply("audioNorm", new L2Normalize()),
        null);
  }

  /**
   * As {@link #add(AvLocalizerConfig, BiFunction)}, with {@code batchNorm} a fifth block {@code
   * audioBatchNorm} over the pooled features, added last so that the parameter files of the four
   * earlier blocks keep their layout.
   */
  static AudioPath add(
      AvLocalizerConfig config, BiFunction<String, Block, Block> addChild, boolean batchNorm) {
    AudioPath path = add(config, addChild);
    if (!batchNorm) {
      return path;
    }
    int channels = config.audioWidths().get(config.audioWidths().size() - 1);
    return new AudioPath(
        path.trunk,
        path.pool,
        path.projection,
        path.norm,
        (BatchNorm2d) addChild.apply("audioBatchNorm", new BatchNorm2d(channels)));
  }

  /** A (N,D), L2-normalised, for a spectrogram batch. */
  NDArray forward(
      ParameterStore ps, NDArray spectrogram, boolean training, PairList<String, Object> params) {
    NDList a = trunk.forward(ps, new NDList(spectrogram), training, params);
    a = pool.forward(ps, a, training, params);
    if (batchNorm != null) {
      a = batchNorm.forward(ps, a, training, params);
    }
    a = projection.forward(ps, a, training, params);
    return norm.forward(ps, a, training, params).singletonOrThrow();
  }

  /** Initialises the four blocks for a spectrogram batch of shape {@code spectrogram}. */
  void initialize(NDManager manager, DataType dataType, Shape spectrogram) {
    trunk.initialize(manager, dataType, spectrogram);
    Shape features = trunk.getOutputShapes(new Shape[] {spectrogram})[0];
    pool.initialize(manager, dataType, features);
    Shape pooled = pool.getOutputShapes(new Shape[] {features})[0];
    if (batchNorm != null) {
      batchNorm.initialize(manager, dataType, pooled);
    }
    projection.initialize(manager, dataType, pooled);
    norm.initialize(manager, dataType, projection.getOutputShapes(new Shape[] {pooled})[0]);
  }
}
