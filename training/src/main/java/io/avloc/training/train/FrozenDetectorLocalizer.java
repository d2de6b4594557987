package io.avloc.training.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.avloc.core.detector.ObjectDetector;
import io.avloc.core.image.ImageNormalizer;
import io.avloc.core.model.AvLocalizerConfig;
import io.avloc.core.model.DetectorHeadLocalizer;
import io.avloc.core.model.LocalizationNetwork;
import java.io.IOException;
import java.util.List;

/**
 * Training-time composition of the frozen COCO CenterNet (ONNX Runtime) and a trainable {@link
 * DetectorHeadLocalizer} (PyTorch), seen by the trainer and its validation as one {@link
 * LocalizationNetwork}: the forward takes the loader's ImageNet-normalised pictures, turns them
 * back into the RGB 0–255 NHWC pictures the detector wants (exact: the normalisation is inverted
 * and rounded to the original bytes), runs the detector without gradients and feeds its features to
 * the head. Only the head is a child block, so checkpoints and parameter files hold the head alone.
 * Not thread-safe (one detector predictor).
 */
public final class FrozenDetectorLocalizer extends AbstractBlock
    implements LocalizationNetwork, AutoCloseable {

  private final DetectorTrunk trunk;
  private final ObjectDetector detector;
  private final DetectorHeadLocalizer head;
  private final AvLocalizerConfig config;

  /**
   * Loads the detector cut at {@code trunk}'s node and builds a head with {@code preset}'s audio
   * path, D and τ.
   */
  public static FrozenDetectorLocalizer load(DetectorTrunk trunk, AvLocalizerConfig preset)
      throws IOException {
    ObjectDetector detector =
        ObjectDetector.load(trunk.dir(), trunk.detectorInputSize(), List.of(trunk.outputNode()));
    return new FrozenDetectorLocalizer(trunk, detector, preset);
  }

  private FrozenDetectorLocalizer(
      DetectorTrunk trunk, ObjectDetector detector, AvLocalizerConfig preset) {
    this.trunk = trunk;
    this.detector = detector;
    this.config = preset.withImageSize(trunk.inputSize());
    this.head =
        addChildBlock(
            "head",
            new DetectorHeadLocalizer(
                preset,
                trunk.channels(),
                trunk.centre(),
                trunk.normalizeFeatures(),
                trunk.audioBatchNorm()));
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray image = inputs.get(0);
    int n = (int) image.getShape().get(0);
    float[] features = detector.runNodes(detectorInput(image.toFloatArray(), n), n).get(0);
    int m = trunk.mapSize();
    int cells = trunk.detectorInputSize() / trunk.stride();
    int ring = (cells - m) / 2;
    NDArray f =
        image
            .getManager()
            .create(features, new Shape(n, cells, cells, trunk.channels()))
            .transpose(0, 3, 1, 2);
    if (ring > 0) {
      f = f.get(new NDIndex(":, :, {}:{}, {}:{}", ring, ring + m, ring, ring + m));
    }
    return head.forward(ps, new NDList(f, inputs.get(1)), training, params);
  }

  /**
   * ImageNet-normalised NCHW pictures back to RGB 0–255 NHWC (rounded to the source bytes),
   * mirrored outwards by {@link DetectorTrunk#padPixels()} on every side (numpy's {@code reflect}).
   */
  float[] detectorInput(float[] nchw, int n) {
    int s = trunk.inputSize();
    int pad = trunk.padPixels();
    int side = trunk.detectorInputSize();
    int plane = s * s;
    float[] nhwc = new float[n * side * side * 3];
    float[] mean = ImageNormalizer.IMAGENET_MEAN;
    float[] std = ImageNormalizer.IMAGENET_STD;
    for (int i = 0; i < n; i++) {
      for (int c = 0; c < 3; c++) {
        int src = (i * 3 + c) * plane;
        for (int y = 0; y < side; y++) {
          int sy = reflect(y - pad, s);
          for (int x = 0; x < side; x++) {
            int sx = reflect(x - pad, s);
            float v = Math.round((nchw[src + sy * s + sx] * std[c] + mean[c]) * 255f);
            nhwc[((i * side + y) * side + x) * 3 + c] = Math.min(255f, Math.max(0f, v));
          }
        }
      }
    }
    return nhwc;
  }

  private static int reflect(int k, int size) {
    if (k < 0) {
      return -k;
    }
    return k >= size ? 2 * size - 2 - k : k;
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return head.getOutputShapes(featureShapes(inputShapes));
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    head.initialize(manager, dataType, featureShapes(inputShapes));
  }

  private Shape[] featureShapes(Shape[] inputShapes) {
    int m = trunk.mapSize();
    return head.inputShapes(inputShapes[0].get(0), m, m);
  }

  @Override
  public AvLocalizerConfig config() {
    return config;
  }

  /** The trainable head (what a composed artifact puts behind the detector). */
  public DetectorHeadLocalizer head() {
    return head;
  }

  /** Where the features come from. */
  public DetectorTrunk trunk() {
    return trunk;
  }

  @Override
  public void close() {
    detector.close();
  }
}
