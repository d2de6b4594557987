package io.avloc.training.eval;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.avloc.core.artifact.PreprocessingContract;
import io.avloc.core.heatmap.ObjectGuidedLocalization;
import io.avloc.core.image.RgbImage;
import io.avloc.core.metrics.GroundTruth;
import io.avloc.core.model.ImageNetWeights;
import io.avloc.core.model.Preset;
import io.avloc.core.model.ResNet18Trunk;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The frozen ImageNet ResNet-18 of object-guided localization (docs/methods.md §5 step 4):
 * torchvision's {@code resnet18(weights="IMAGENET1K_V1")} up to {@code layer4}, in eval mode (batch
 * norm running statistics), never trained, separate from the localizer's own visual encoder. It
 * runs on the normalized 224×224 test image whatever the localizer's input size; core's {@link
 * io.avloc.core.heatmap.ObjectGuidedLocalization} turns its features into the object map.
 *
 * <p>Runs on DJL's PyTorch engine. Not thread-safe.
 */
public final class ObjectBackbone implements ObjectPrior {

  /** The name on the command line and in reports. */
  public static final String NAME = "imagenet";

  /** The input side: the protocol's test-time image size. */
  public static final int IMAGE_SIZE = GroundTruth.SIZE;

  /** How to make a weights file, for messages. */
  public static final String HOW_TO_EXPORT =
      "write one with tools/export_torchvision_resnet18.py (torchvision's resnet18, IMAGENET1K_V1)";

  private final NDManager manager;
  private final ResNet18Trunk trunk;
  private final int mapSize;

  private ObjectBackbone(NDManager manager, ResNet18Trunk trunk) {
    this.manager = manager;
    this.trunk = trunk;
    this.mapSize = (int) ResNet18Trunk.outputSize(IMAGE_SIZE);
  }

  /**
   * Builds the network and loads torchvision ResNet-18 weights from an {@code .npz} file.
   *
   * @throws IllegalArgumentException if the file is missing or its tensors do not fit ResNet-18
   * @throws IOException if it cannot be read
   */
  public static ObjectBackbone load(Path npz) throws IOException {
    Objects.requireNonNull(npz, "npz");
    if (!Files.isRegularFile(npz)) {
      throw new IllegalArgumentException(
          "ImageNet weights file " + npz + " not found; " + HOW_TO_EXPORT);
    }
    NDManager manager = Engine.getEngine("PyTorch").newBaseManager();
    try {
      ResNet18Trunk trunk = new ResNet18Trunk(3, Preset.PAPER.config().visualWidths());
      trunk.initialize(manager, DataType.FLOAT32, new Shape(1, 3, IMAGE_SIZE, IMAGE_SIZE));
      ImageNetWeights.load(trunk, npz);
      trunk.freezeParameters(true);
      return new ObjectBackbone(manager, trunk);
    } catch (IOException | RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  /** Channels of the feature map (512). */
  public int channels() {
    return trunk.outChannels();
  }

  /** Side of the feature map (7 for 224×224 input). */
  public int mapSize() {
    return mapSize;
  }

  /**
   * The layer4 features of a batch.
   *
   * @param images n normalized CHW 224×224 images, concatenated
   * @return n × 512 × 7 × 7 values, row-major
   */
  public float[] features(float[] images, int n) {
    Objects.requireNonNull(images, "images");
    if (images.length != (long) n * 3 * IMAGE_SIZE * IMAGE_SIZE) {
      throw new IllegalArgumentException(
          "images hold " + images.length + " floats, need " + n + "x3x224x224");
    }
    try (NDManager batch = manager.newSubManager()) {
      NDArray x = batch.create(images, new Shape(n, 3, IMAGE_SIZE, IMAGE_SIZE));
      NDList out = trunk.forward(new ParameterStore(batch, false), new NDList(x), false);
      return out.singletonOrThrow().toFloatArray();
    }
  }

  @Override
  public String name() {
    return NAME;
  }

  /**
   * The OGL object maps of a batch: each picture preprocessed as the test image (224×224, PIL
   * bicubic, ImageNet normalization), layer4 features, then core's {@link
   * ObjectGuidedLocalization#objectMap}.
   */
  @Override
  public double[][] maps(RgbImage[] pictures, int n, int side) {
    PreprocessingContract pre = PreprocessingContract.standard(IMAGE_SIZE);
    int size = 3 * IMAGE_SIZE * IMAGE_SIZE;
    float[] images = new float[n * size];
    for (int i = 0; i < n; i++) {
      pre.imageInto(pictures[i], images, i * size);
    }
    float[] features = features(images, n);
    int c = channels();
    int plane = c * mapSize * mapSize;
    double[][] maps = new double[n][];
    for (int i = 0; i < n; i++) {
      float[] own = new float[plane];
      System.arraycopy(features, i * plane, own, 0, plane);
      maps[i] = ObjectGuidedLocalization.objectMap(own, c, mapSize, mapSize, side, side);
    }
    return maps;
  }

  @Override
  public void close() {
    manager.close();
  }
}
