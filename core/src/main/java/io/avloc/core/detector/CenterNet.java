package io.avloc.core.detector;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.avloc.core.onnx.OnnxGraph;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The pretrained object detector of the object prior: the MobileNetV3 CenterNet trained on COCO
 * that the npm package {@code @vladmandic/human@3.3.6} ships as a TF.js graph model ({@code
 * models/centernet.json} + {@code .bin}, float16 weights, MIT). {@code training/fetch-detector.sh}
 * fetches it; this class names its folder, its nodes and its classes, and imports it to ONNX.
 *
 * <p>Input {@value #INPUT} NHWC [N, 512, 512, 3], RGB 0–255 (the normalisation is folded into the
 * first convolution). Outputs, NHWC: {@value #KEYPOINTS} [N, 128, 128, 80] sigmoid class heatmaps
 * (channel k is {@link #COCO_LABELS}{@code .get(k)}), {@value #HEAD_FEATURES} [N, 32, 32, 256] and
 * {@value #TRUNK_FEATURES} [N, 16, 16, 120].
 */
public final class CenterNet {

  /** The npm package and version the model comes from. */
  public static final String PACKAGE = "@vladmandic/human@3.3.6";

  /** Folder the fetch script unpacks the model into, under its cache folder. */
  public static final String FOLDER = "human-3.3.6";

  /** The TF.js model file in that folder. */
  public static final String MODEL_JSON = "centernet.json";

  /** Environment variable naming the fetch script's cache folder. */
  public static final String CACHE_ENV = "AVLOC_DETECTOR_CACHE";

  /** The script that fetches the model, for messages. */
  public static final String FETCH_SCRIPT = "training/fetch-detector.sh";

  /** The input node. */
  public static final String INPUT = "tower_0/images";

  /** Side of the square input. */
  public static final int INPUT_SIZE = 512;

  /** The 80 class heatmaps, after the sigmoid: [N, 128, 128, 80]. */
  public static final String KEYPOINTS = "tower_0/keypoints";

  /** The head's merged multi-scale features: [N, 32, 32, 256]. */
  public static final String HEAD_FEATURES = "tower_0/CenternetHead/Relu";

  /** The last MobileNetV3 block: [N, 16, 16, 120]. */
  public static final String TRUNK_FEATURES = "tower_0/MobilenetV3/expanded_conv_14/add";

  /** The exposed nodes, in output order. */
  public static final List<String> OUTPUTS = List.of(KEYPOINTS, HEAD_FEATURES, TRUNK_FEATURES);

  /** Side of the class heatmaps. */
  public static final int HEATMAP_SIZE = 128;

  /** COCO's 80 detection classes in the heatmaps' channel order. */
  public static final List<String> COCO_LABELS =
      List.of(
          "person",
          "bicycle",
          "car",
          "motorcycle",
          "airplane",
          "bus",
          "train",
          "truck",
          "boat",
          "traffic light",
          "fire hydrant",
          "stop sign",
          "parking meter",
          "bench",
          "bird",
          "cat",
          "dog",
          "horse",
          "sheep",
          "cow",
          "elephant",
          "bear",
          "zebra",
          "giraffe",
          "backpack",
          "umbrella",
          "handbag",
          "tie",
          "suitcase",
          "frisbee",
          "skis",
          "snowboard",
          "sports ball",
          "kite",
          "baseball bat",
          "baseball glove",
          "skateboard",
          "surfboard",
          "tennis racket",
          "bottle",
          "wine glass",
          "cup",
          "fork",
          "knife",
          "spoon",
          "bowl",
          "banana",
          "apple",
          "sandwich",
          "orange",
          "broccoli",
          "carrot",
          "hot dog",
          "pizza",
          "donut",
          "cake",
          "chair",
          "couch",
          "potted plant",
          "bed",
          "dining table",
          "toilet",
          "tv",
          "laptop",
          "mouse",
          "remote",
          "keyboard",
          "cell phone",
          "microwave",
          "oven",
          "toaster",
          "sink",
          "refrigerator",
          "book",
          "clock",
          "vase",
          "scissors",
          "teddy bear",
          "hair drier",
          "toothbrush");

  /**
   * Key in a model manifest's {@code network} table that names the object prior the model was made
   * to be used with; {@value #PRIOR_NAME} means this detector. Absent: no detector (the default
   * pipeline needs none).
   */
  public static final String MANIFEST_KEY = "objectPrior";

  /** The value of {@link #MANIFEST_KEY} for this detector. */
  public static final String PRIOR_NAME = "centernet";

  private CenterNet() {}

  /** Whether a model artifact's manifest says the model uses this detector. */
  public static boolean usedBy(io.avloc.core.artifact.ModelManifest manifest) {
    return PRIOR_NAME.equals(String.valueOf(manifest.network().get(MANIFEST_KEY)));
  }

  /**
   * The default model folder: {@code $AVLOC_DETECTOR_CACHE/human-3.3.6}, else {@code
   * ~/.cache/avloc/detector/human-3.3.6} (where {@value #FETCH_SCRIPT} puts it).
   */
  public static Path defaultDir() {
    String env = System.getenv(CACHE_ENV);
    Path cache =
        env != null && !env.isBlank()
            ? Path.of(env)
            : Path.of(System.getProperty("user.home"), ".cache", "avloc", "detector");
    return cache.resolve(FOLDER);
  }

  /**
   * The model file in {@code dir}, which may also be the fetch script's cache folder.
   *
   * @throws IllegalArgumentException naming the fetch script if it is not there
   */
  public static Path modelJson(Path dir) {
    Objects.requireNonNull(dir, "dir");
    for (Path candidate :
        List.of(dir.resolve(MODEL_JSON), dir.resolve(FOLDER).resolve(MODEL_JSON))) {
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    throw new IllegalArgumentException(
        "the CenterNet detector ("
            + PACKAGE
            + ") is not in "
            + dir
            + ": fetch it with "
            + FETCH_SCRIPT
            + " [CACHE_DIR] (npm pack; the default cache is ~/.cache/avloc/detector, or $"
            + CACHE_ENV
            + ")");
  }

  /** Reads the TF.js model in {@code dir} and converts it to ONNX with the three outputs. */
  public static ModelProto importOnnx(Path dir) throws IOException {
    return importOnnx(dir, INPUT_SIZE, OUTPUTS);
  }

  /**
   * Reads the TF.js model in {@code dir} and converts the part that {@code outputs} need to ONNX,
   * for square pictures of side {@code inputSize} (a multiple of {@value #MAX_STRIDE}; the network
   * is fully convolutional, so every output shrinks with the input: {@value #HEAD_FEATURES} is
   * inputSize/16 on a side, {@value #TRUNK_FEATURES} inputSize/32).
   */
  public static ModelProto importOnnx(Path dir, int inputSize, List<String> outputs)
      throws IOException {
    checkInputSize(inputSize);
    TfjsGraph graph = TfjsGraph.read(modelJson(dir));
    ModelProto.Builder model =
        TfjsOnnxImporter.convert(graph, INPUT, outputs, "centernet", inputSize).toBuilder();
    OnnxGraph.metadata(model, "avloc.source", PACKAGE + " models/" + MODEL_JSON);
    OnnxGraph.metadata(model, "avloc.input", "NHWC RGB 0-255, " + inputSize + "x" + inputSize);
    return model.build();
  }

  /** The largest stride in the network: input sides must be multiples of it. */
  public static final int MAX_STRIDE = 32;

  /** Stride of {@value #HEAD_FEATURES} relative to the input. */
  public static final int HEAD_STRIDE = 16;

  /** Channels of {@value #HEAD_FEATURES}. */
  public static final int HEAD_CHANNELS = 256;

  /** Stride of {@value #TRUNK_FEATURES} relative to the input. */
  public static final int TRUNK_STRIDE = 32;

  /** Channels of {@value #TRUNK_FEATURES}. */
  public static final int TRUNK_CHANNELS = 120;

  /** Stride of {@value #KEYPOINTS} (the class heatmaps) relative to the input. */
  public static final int KEYPOINT_STRIDE = 4;

  /** The nodes a head can read as visual features: head features, trunk features, class maps. */
  public static final List<String> FEATURE_NODES =
      List.of(HEAD_FEATURES, TRUNK_FEATURES, KEYPOINTS);

  /**
   * Stride of a {@link #FEATURE_NODES feature node}.
   *
   * @throws IllegalArgumentException for any other node, naming the valid ones
   */
  public static int featureStride(String node) {
    return switch (requireFeatureNode(node)) {
      case HEAD_FEATURES -> HEAD_STRIDE;
      case TRUNK_FEATURES -> TRUNK_STRIDE;
      default -> KEYPOINT_STRIDE;
    };
  }

  /** Channels of a {@link #FEATURE_NODES feature node} (80 COCO classes for the class maps). */
  public static int featureChannels(String node) {
    return switch (requireFeatureNode(node)) {
      case HEAD_FEATURES -> HEAD_CHANNELS;
      case TRUNK_FEATURES -> TRUNK_CHANNELS;
      default -> COCO_LABELS.size();
    };
  }

  /**
   * Pixels mirrored onto each side of the picture for a feature node: one feature cell, and at
   * least half of {@value #MAX_STRIDE} so that the padded side stays a multiple of it.
   */
  public static int mirroredMargin(String node) {
    return Math.max(featureStride(node), MAX_STRIDE / 2);
  }

  private static String requireFeatureNode(String node) {
    if (!FEATURE_NODES.contains(node)) {
      throw new IllegalArgumentException(
          "the visual trunk's feature node must be one of " + FEATURE_NODES + ", not " + node);
    }
    return node;
  }

  /**
   * @throws IllegalArgumentException unless {@code inputSize} is a positive multiple of {@value
   *     #MAX_STRIDE}
   */
  public static void checkInputSize(int inputSize) {
    if (inputSize <= 0 || inputSize % MAX_STRIDE != 0) {
      throw new IllegalArgumentException(
          "the detector's input side must be a positive multiple of "
              + MAX_STRIDE
              + " (e.g. 224, 256, 320, "
              + INPUT_SIZE
              + "), not "
              + inputSize);
    }
  }

  /** Imports the model in {@code dir} and writes the ONNX graph to {@code out}. */
  public static void writeOnnx(Path dir, Path out) throws IOException {
    ModelProto model = importOnnx(dir);
    try (OutputStream os = Files.newOutputStream(out)) {
      model.writeTo(os);
    }
  }
}
