package io.avloc.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.Optional;

/**
 * torchvision's ResNet {@code BasicBlock}: relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x)),
 * both convs 3×3 without bias, the first one strided. The shortcut is the identity, or a strided
 * 1×1 conv + batch norm ({@code downsample}) when the stride or the width changes.
 *
 * <p>Input (N, C_in, H, W); output (N, width, ⌈H/stride⌉, ⌈W/stride⌉).
 */
public final class BasicBlock extends AbstractBlock {

  private static final byte VERSION = 1;

  private final int width;
  private final int stride;
  private final Conv2d conv1;
  private final BatchNorm2d bn1;
  private final Conv2d conv2;
  private final BatchNorm2d bn2;
  private final Conv2d downsampleConv;
  private final BatchNorm2d downsampleBn;

  /**
   * @param inWidth channels of the input
   * @param width channels of both convs and of the output
   * @param stride stride of the first conv (and of the shortcut)
   */
  public BasicBlock(int inWidth, int width, int stride) {
    super(VERSION);
    this.width = width;
    this.stride = stride;
    conv1 = addChildBlock("conv1", conv(width, 3, stride, 1));
    bn1 = addChildBlock("bn1", new BatchNorm2d(width));
    conv2 = addChildBlock("conv2", conv(width, 3, 1, 1));
    bn2 = addChildBlock("bn2", new BatchNorm2d(width));
    if (stride != 1 || inWidth != width) {
      downsampleConv = addChildBlock("downsample0", conv(width, 1, stride, 0));
      downsampleBn = addChildBlock("downsample1", new BatchNorm2d(width));
    } else {
      downsampleConv = null;
      downsampleBn = null;
    }
  }

  /** A square conv without bias, as every conv inside a ResNet trunk. */
  static Conv2d conv(int filters, int kernel, int stride, int padding) {
    return Conv2d.builder()
        .setFilters(filters)
        .setKernelShape(new Shape(kernel, kernel))
        .optStride(new Shape(stride, stride))
        .optPadding(new Shape(padding, padding))
        .optBias(false)
        .build();
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDList x = inputs;
    NDList y = conv1.forward(ps, x, training, params);
    y = bn1.forward(ps, y, training, params);
    y = new NDList(Activation.relu(y.singletonOrThrow()));
    y = conv2.forward(ps, y, training, params);
    y = bn2.forward(ps, y, training, params);
    NDArray shortcut = x.singletonOrThrow();
    if (downsampleConv != null) {
      NDList s = downsampleConv.forward(ps, x, training, params);
      shortcut = downsampleBn.forward(ps, s, training, params).singletonOrThrow();
    }
    return new NDList(Activation.relu(y.singletonOrThrow().add(shortcut)));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape in = inputShapes[0];
    return new Shape[] {new Shape(in.get(0), width, strided(in.get(2)), strided(in.get(3)))};
  }

  private long strided(long size) {
    return (size - 1) / stride + 1;
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape shape = inputShapes[0];
    for (Block block : new Block[] {conv1, bn1, conv2, bn2}) {
      block.initialize(manager, dataType, shape);
      shape = block.getOutputShapes(new Shape[] {shape})[0];
    }
    if (downsampleConv != null) {
      downsampleConv.initialize(manager, dataType, inputShapes[0]);
      downsampleBn.initialize(
          manager, dataType, downsampleConv.getOutputShapes(new Shape[] {inputShapes[0]})[0]);
    }
  }

  /** Output channels. */
  public int width() {
    return width;
  }

  /** Stride of the first conv and of the shortcut. */
  public int stride() {
    return stride;
  }

  /** First 3×3 conv (strided). */
  public Conv2d conv1() {
    return conv1;
  }

  /** Batch norm after {@link #conv1()}. */
  public BatchNorm2d bn1() {
    return bn1;
  }

  /** Second 3×3 conv. */
  public Conv2d conv2() {
    return conv2;
  }

  /** Batch norm after {@link #conv2()}. */
  public BatchNorm2d bn2() {
    return bn2;
  }

  /** The shortcut's 1×1 conv, absent when the shortcut is the identity. */
  public Optional<Conv2d> downsampleConv() {
    return Optional.ofNullable(downsampleConv);
  }

  /** The shortcut's batch norm, absent when the shortcut is the identity. */
  public Optional<BatchNorm2d> downsampleBn() {
    return Optional.ofNullable(downsampleBn);
  }
}
