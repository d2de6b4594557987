package io.avloc.training.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
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
        ObjectDetector.load(trunk.dir(), trunk.inputSize(), List.of(trunk.outputNode()));
    return new FrozenDetectorLocalizer(trunk, detector, preset);
  }

  private FrozenDetectorLocalizer(
      DetectorTrunk trunk, ObjectDetector detector, AvLocalizerConfig preset) {
    this.trunk = trunk;
    this.detector = detector;
    this.config = preset.withImageSize(trunk.inputSize());
    this.head = addChildBlock("head", new DetectorHeadLocalizer(preset, trunk.channels()));
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray image = inputs.get(0);
    int n = (int) image.getShape().get(0);
    float[] features = detector.runNodes(detectorInput(image.toFloatArray(), n), n).get(0);
    int m = trunk.mapSize();
    NDArray f =
        image
            .getManager()
            .create(features, new Shape(n, m, m, trunk.channels()))
            .transpose(0, 3, 1, 2);
    return head.forward(ps, new NDList(f, inputs.get(1)), training, params);
  }

  /** ImageNet-normalised NCHW pictures back to RGB 0–255 NHWC (rounded to the source bytes). */
  float[] detectorInput(float[] nchw, int n) {
    int s = trunk.inputSize();
    int plane = s * s;
    float[] nhwc = new float[n * plane * 3];
    float[] mean = ImageNormalizer.IMAGENET_MEAN;
    float[] std = ImageNormalizer.IMAGENET_STD;
    for (int i = 0; i < n; i++) {
      for (int c = 0; c < 3; c++) {
        int src = (i * 3 + c) * plane;
        int dst = i * plane * 3 + c;
        for (int p = 0; p < plane; p++) {
          float v = Math.round((nchw[src + p] * std[c] + mean[c]) * 255f);
          nhwc[dst + 3 * p] = Math.min(255f, Math.max(0f, v));
        }
      }
    }
    return nhwc;
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
