package io.avloc.core.model;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * torchvision's ResNet-18 without its average pool and classifier, with configurable widths: stem
 * conv 7×7/2 (no bias) → batch norm → ReLU → max pool 3×3/2 pad 1, then four stages of two {@link
 * BasicBlock}s; the first block of stages 2–4 has stride 2 and a 1×1/2 conv + batch norm shortcut.
 * With widths 64/128/256/512 and 3 input channels this is layer-for-layer torchvision's {@code
 * resnet18} up to {@code layer4} (11,176,512 trainable parameters). DJL's own {@code ResNetV1} with
 * 18 layers is a different network.
 *
 * <p>Input (N, C_in, H, W); output (N, widths[3], outputSize(H), outputSize(W)), which is H/32 ×
 * W/32 for multiples of 32 (see {@link #outputSize(long)}).
 */
public final class ResNet18Trunk extends AbstractBlock {

  private static final byte VERSION = 1;

  /** BasicBlocks per stage. */
  public static final int BLOCKS_PER_STAGE = 2;

  private final int inChannels;
  private final List<Integer> widths;
  private final Conv2d conv1;
  private final BatchNorm2d bn1;
  private final List<BasicBlock> blocks = new ArrayList<>();
  private final List<Block> layers = new ArrayList<>();

  /**
   * @param inChannels channels of the input (3 for RGB, 1 for a spectrogram)
   * @param widths channels of the four stages; the stem has the first width
   */
  public ResNet18Trunk(int inChannels, List<Integer> widths) {
    super(VERSION);
    if (widths.size() != 4) {
      throw new IllegalArgumentException("a ResNet-18 trunk has four stage widths: " + widths);
    }
    this.inChannels = inChannels;
    this.widths = List.copyOf(widths);
    int stem = widths.get(0);
    conv1 = addLayer("conv1", BasicBlock.conv(stem, 7, 2, 3));
    bn1 = addLayer("bn1", new BatchNorm2d(stem));
    addLayer("relu", new Relu());
    addLayer("maxpool", new MaxPool2d(3, 2, 1));
    int in = stem;
    for (int stage = 0; stage < 4; stage++) {
      int width = widths.get(stage);
      for (int b = 0; b < BLOCKS_PER_STAGE; b++) {
        int stride = stage > 0 && b == 0 ? 2 : 1;
        blocks.add(addLayer("layer" + (stage + 1) + "_" + b, new BasicBlock(in, width, stride)));
        in = width;
      }
    }
  }

  private <B extends Block> B addLayer(String name, B block) {
    layers.add(block);
    return addChildBlock(name, block);
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDList x = inputs;
    for (Block layer : layers) {
      x = layer.forward(ps, x, training, params);
    }
    return x;
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape[] shapes = inputShapes;
    for (Block layer : layers) {
      shapes = layer.getOutputShapes(shapes);
    }
    return shapes;
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape[] shapes = inputShapes;
    for (Block layer : layers) {
      layer.initialize(manager, dataType, shapes);
      shapes = layer.getOutputShapes(shapes);
    }
  }

  /**
   * Output side for an input side: conv 7/2 pad 3, pool 3/2 pad 1, three 3×3/2 pad 1 convs, each
   * ⌊(n − 1)/2⌋ + 1. Equals n/32 when n is a multiple of 32; e.g. 257 → 9 and 200 → 7.
   */
  public static long outputSize(long inputSize) {
    long n = inputSize;
    for (int i = 0; i < 5; i++) {
      n = (n - 1) / 2 + 1;
    }
    return n;
  }

  /** Input channels. */
  public int inChannels() {
    return inChannels;
  }

  /** The four stage widths. */
  public List<Integer> widths() {
    return widths;
  }

  /** Output channels: the last stage width. */
  public int outChannels() {
    return widths.get(3);
  }

  /** Stem conv, 7×7/2, no bias. */
  public Conv2d conv1() {
    return conv1;
  }

  /** Stem batch norm. */
  public BatchNorm2d bn1() {
    return bn1;
  }

  /** The eight residual blocks in order: layer1.0, layer1.1, …, layer4.1. */
  public List<BasicBlock> blocks() {
    return Collections.unmodifiableList(blocks);
  }

  /**
   * Every layer in forward order: {@link Conv2d}, {@link BatchNorm2d}, {@link Relu}, {@link
   * MaxPool2d}, then the eight {@link BasicBlock}s. This is the structure the ONNX exporter walks.
   */
  public List<Block> layers() {
    return Collections.unmodifiableList(layers);
  }

  /**
   * The trunk's parameters under torchvision's {@code state_dict} names ({@code conv1.weight},
   * {@code bn1.running_mean}, {@code layer2.0.downsample.0.weight}, …) in torchvision's order.
   * Batch-norm {@code num_batches_tracked} counters have no counterpart here.
   */
  public Map<String, Parameter> torchvisionParameters() {
    Map<String, Parameter> out = new LinkedHashMap<>();
    out.put("conv1.weight", conv1.getDirectParameters().get("weight"));
    putBatchNorm(out, "bn1", bn1);
    for (int i = 0; i < blocks.size(); i++) {
      BasicBlock block = blocks.get(i);
      String prefix = "layer" + (i / BLOCKS_PER_STAGE + 1) + "." + (i % BLOCKS_PER_STAGE) + ".";
      out.put(prefix + "conv1.weight", block.conv1().getDirectParameters().get("weight"));
      putBatchNorm(out, prefix + "bn1", block.bn1());
      out.put(prefix + "conv2.weight", block.conv2().getDirectParameters().get("weight"));
      putBatchNorm(out, prefix + "bn2", block.bn2());
      if (block.downsampleConv().isPresent()) {
        out.put(
            prefix + "downsample.0.weight",
            block.downsampleConv().get().getDirectParameters().get("weight"));
        putBatchNorm(out, prefix + "downsample.1", block.downsampleBn().get());
      }
    }
    return out;
  }

  private static void putBatchNorm(Map<String, Parameter> out, String prefix, BatchNorm2d bn) {
    out.put(prefix + ".weight", bn.gamma());
    out.put(prefix + ".bias", bn.beta());
    out.put(prefix + ".running_mean", bn.runningMean());
    out.put(prefix + ".running_var", bn.runningVar());
  }
}
