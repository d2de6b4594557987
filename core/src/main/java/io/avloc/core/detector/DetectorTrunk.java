package io.avloc.core.detector;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import io.avloc.core.artifact.ModelArtifact;
import io.avloc.core.image.ImageNormalizer;
import io.avloc.core.model.AvLocalizer;
import io.avloc.core.model.DetectorHeadLocalizer;
import io.avloc.core.onnx.OnnxComposer;
import io.avloc.core.onnx.OnnxExporter;
import io.avloc.core.onnx.OnnxGraph;
import io.avloc.core.onnx.OnnxSignature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The frozen {@link CenterNet} as the visual trunk of a localizer: a head trained on one of the
 * detector's feature maps ({@link #FEATURES} [N, C, h, w], NCHW) and on the spectrogram becomes,
 * with the detector in front of it, one inference graph with the artifact's public inputs ({@code
 * image} [N, 3, S, S], S = {@link #inputSize}, {@code spectrogram}) and outputs ({@code simmap},
 * {@code audio_emb}, {@code visual_map}), so every path that runs a model artifact runs it
 * unchanged.
 *
 * <p>The artifact's image input follows the one preprocessing contract ({@code
 * PreprocessingContract}): RGB, CHW, {@code (v/255 − mean)/std} with ImageNet's mean and std. The
 * detector wants RGB 0–255 (its own normalisation is folded into its first convolution), so the
 * graph starts with {@code clip(round(x · 255·std + 255·mean), 0, 255)} per channel, which gives
 * the contract's source bytes back exactly (the inverse alone is within 3e-5 of them), as the
 * trainer's detector input does. The detector's graph is imported NCHW ({@link
 * TfjsOnnxImporter.Layout#NCHW}, no Transpose) and pruned to the nodes the chosen feature node
 * needs: the class heatmaps and the other branches are not in the artifact.
 *
 * @param dir the detector's folder ({@link CenterNet#modelJson})
 * @param inputSize side of the square picture the detector sees (a multiple of {@value
 *     CenterNet#MAX_STRIDE}; the network is fully convolutional, its native side is {@value
 *     CenterNet#INPUT_SIZE}): the artifact's image size
 * @param node the feature node that feeds the head, one of {@link CenterNet#FEATURE_NODES}
 * @param reflectPad whether the picture is mirrored outwards by one feature cell (the node's
 *     stride) on every side before the detector sees it (numpy's {@code reflect}: the edge pixel is
 *     not repeated) and the outer ring of feature cells is dropped, as {@code avloc train
 *     --detector-trunk} does by default: the kept cells are exactly the picture's, and none is a
 *     border cell of the detector, whose features carry the signature of its zero padding
 */
public record DetectorTrunk(Path dir, int inputSize, String node, boolean reflectPad) {

  /** The head's input that takes the detector's features, NCHW. */
  public static final String FEATURES = DetectorHeadLocalizer.INPUT_NAMES.get(0);

  /**
   * The artifact's output that carries the detector's 80 COCO class heatmaps of the picture, [N,
   * S/4, S/4, 80] NHWC (sigmoid scores, {@link ClassHeatmaps}'s layout): the object prior of
   * object-guided localization and the source of box labels, computed in the same pass as the
   * features.
   */
  public static final String CLASS_HEATMAPS = "class_heatmaps";

  /** Key of the manifest's {@code network} table that describes the visual trunk. */
  public static final String MANIFEST_KEY = "visualTrunk";

  /** {@code network.visualTrunk.kind} of a frozen detector trunk. */
  public static final String KIND = "frozen-detector";

  /**
   * ONNX metadata key naming the feature node of a composed graph (checked against the manifest).
   */
  public static final String NODE_METADATA = "avloc.visual_trunk.node";

  /** Prefix of the detector's tensors in the composed graph. */
  public static final String DETECTOR_SCOPE = "detector/";

  /** Prefix of the head's tensors in the composed graph. */
  public static final String HEAD_SCOPE = "head/";

  private static final String IMAGE = AvLocalizer.INPUT_NAMES.get(0);

  public DetectorTrunk {
    Objects.requireNonNull(dir, "dir");
    Objects.requireNonNull(node, "node");
    CenterNet.checkInputSize(inputSize);
    CenterNet.featureStride(node); // names the valid nodes
  }

  /**
   * The detector's head features ({@link CenterNet#HEAD_FEATURES}, 256 channels, stride 16) at its
   * native 512 × 512 input (32 × 32 maps), without the mirrored margin.
   */
  public static DetectorTrunk headFeatures(Path dir) {
    return new DetectorTrunk(dir, CenterNet.INPUT_SIZE, CenterNet.HEAD_FEATURES, false);
  }

  /** The feature node's stride in pixels. */
  public int stride() {
    return CenterNet.featureStride(node);
  }

  /** Pixels mirrored onto each side of the picture: one feature cell, or 0. */
  public int padPixels() {
    return reflectPad ? CenterNet.mirroredMargin(node) : 0;
  }

  /** Side of the square the detector runs on: the picture and its mirrored margins. */
  public int detectorInputSize() {
    return inputSize + 2 * padPixels();
  }

  /**
   * The manifest's {@code preset} of a model on this trunk: {@code centernet-<audio preset>}, e.g.
   * {@code centernet-lite}.
   */
  public static String presetName(io.avloc.core.model.AvLocalizerConfig audio) {
    return CenterNet.PRIOR_NAME + "-" + audio.name();
  }

  /** S of the artifact's S × S image input: the detector's input size. */
  public int imageSize() {
    return inputSize;
  }

  /**
   * The visual trunk alone: {@code image} [N, 3, S, S] (ImageNet-normalised, as the contract feeds
   * it) → {@link #FEATURES} [N, C, S/stride, S/stride] (NCHW) and {@link #CLASS_HEATMAPS} [N, S/4,
   * S/4, 80] (NHWC), both cropped to the picture when it was mirrored out.
   */
  public ModelProto graph() throws IOException {
    TfjsGraph tf = TfjsGraph.read(CenterNet.modelJson(dir));
    List<String> outputs =
        node.equals(CenterNet.KEYPOINTS) ? List.of(node) : List.of(node, CenterNet.KEYPOINTS);
    ModelProto detector =
        TfjsOnnxImporter.convert(
            tf,
            CenterNet.INPUT,
            outputs,
            "centernet",
            detectorInputSize(),
            TfjsOnnxImporter.Layout.NCHW);
    ModelProto front =
        OnnxComposer.compose(
            pixels(),
            "input/",
            detector,
            DETECTOR_SCOPE,
            Map.of(CenterNet.INPUT, "pixels"),
            "centernet_trunk");
    Map<String, String> links = new LinkedHashMap<>();
    outputs.forEach(o -> links.put(o, o));
    return OnnxComposer.compose(front, "", crop(detector), "crop/", links, "centernet_trunk");
  }

  /** C, h, w of the feature map the head receives. */
  public long[] featureShape() throws IOException {
    for (ValueInfoProto out : graph().getGraph().getOutputList()) {
      var dims = out.getType().getTensorType().getShape().getDimList();
      return new long[] {
        dims.get(1).getDimValue(), dims.get(2).getDimValue(), dims.get(3).getDimValue()
      };
    }
    throw new IllegalStateException("the trunk graph has no output");
  }

  /**
   * The detector's features and class heatmaps minus their outer ring of cells when the picture was
   * mirrored out; the class heatmaps transposed to NHWC, the layout of the detector's own output
   * and of {@link ClassHeatmaps}.
   */
  private ModelProto crop(ModelProto detector) {
    OnnxGraph g = new OnnxGraph("crop");
    String keypoints = CenterNet.KEYPOINTS;
    long[] features = declaredInput(g, detector, node);
    long[] classes = node.equals(keypoints) ? features : declaredInput(g, detector, keypoints);
    long kept = slice(g, FEATURES, node, features[1], padPixels() / stride());
    g.output(FEATURES, OnnxSignature.BATCH_PARAM, features[0], kept, kept);
    String cropped = "class_maps";
    long keptClasses =
        slice(g, cropped, keypoints, classes[1], padPixels() / CenterNet.KEYPOINT_STRIDE);
    g.node("Transpose", "nhwc", CLASS_HEATMAPS, g.attrs().ints("perm", 0, 2, 3, 1), cropped);
    g.output(CLASS_HEATMAPS, OnnxSignature.BATCH_PARAM, keptClasses, keptClasses, classes[0]);
    return OnnxExporter.model(g, "the detector's outputs, outer ring dropped").build();
  }

  /**
   * Declares {@code name}, an output [N, C, cells, cells] of {@code detector}, as an input of
   * {@code g}; returns {C, cells}.
   */
  private static long[] declaredInput(OnnxGraph g, ModelProto detector, String name) {
    for (ValueInfoProto out : detector.getGraph().getOutputList()) {
      if (out.getName().equals(name)) {
        var dims = out.getType().getTensorType().getShape().getDimList();
        long channels = dims.get(1).getDimValue();
        long cells = dims.get(2).getDimValue();
        g.input(name, OnnxSignature.BATCH_PARAM, channels, cells, cells);
        return new long[] {channels, cells};
      }
    }
    throw new IllegalStateException("the detector graph has no output " + name);
  }

  /** {@code to} = {@code from} [N, C, cells, cells] minus {@code ring} cells a side; kept cells. */
  private static long slice(OnnxGraph g, String to, String from, long cells, long ring) {
    long kept = cells - 2 * ring;
    if (ring == 0) {
      g.node("Identity", to + ".identity", to, from);
    } else {
      g.node(
          "Slice",
          to + ".ring",
          to,
          from,
          g.int64s(to + ".starts", ring, ring),
          g.int64s(to + ".ends", ring + kept, ring + kept),
          g.int64s(to + ".axes", 2, 3));
    }
    return kept;
  }

  /**
   * The artifact's graph: this trunk in front of {@code head}, whose inputs are {@link #FEATURES}
   * and {@code spectrogram} and whose outputs are the artifact's. The result keeps {@code head}'s
   * output names and symbolic dimensions (batch N, frames T) and records {@link #NODE_METADATA}.
   * The detector's class heatmaps are an output too ({@link #CLASS_HEATMAPS}).
   */
  public ModelProto compose(ModelProto head) throws IOException {
    return compose(head, true);
  }

  /**
   * As {@link #compose(ModelProto)}; without {@code classHeatmaps} the graph has no {@link
   * #CLASS_HEATMAPS} output and none of the detector's class-heatmap branch (an audio-visual map
   * only, about 1.3× cheaper per pair: docs/benchmarks.md).
   */
  public ModelProto compose(ModelProto head, boolean classHeatmaps) throws IOException {
    ModelProto.Builder composed =
        OnnxComposer.compose(
            graph(),
            "",
            head,
            HEAD_SCOPE,
            Map.of(FEATURES, FEATURES),
            classHeatmaps ? List.of(CLASS_HEATMAPS) : List.of(),
            "avloc_detector_" + head.getGraph().getName())
            .toBuilder();
    composed.setDocString(
        "frozen "
            + CenterNet.PACKAGE
            + " CenterNet ("
            + node
            + ") in front of a trained localizer head: "
            + head.getDocString());
    OnnxGraph.metadata(composed, NODE_METADATA, node);
    return composed.build();
  }

  /**
   * What the manifest's {@code network.visualTrunk} says about this trunk: kind, package, model
   * file and its sha256, feature node, input size and feature shape, so a reader knows what the
   * graph holds without opening it.
   */
  public Map<String, Object> manifestEntry() throws IOException {
    Path json = CenterNet.modelJson(dir);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("kind", KIND);
    m.put("package", CenterNet.PACKAGE);
    m.put("model", "models/" + CenterNet.MODEL_JSON);
    m.put("modelSha256", ModelArtifact.sha256(json));
    Path weights = json.resolveSibling(CenterNet.MODEL_JSON.replace(".json", ".bin"));
    if (Files.isRegularFile(weights)) {
      m.put("weightsSha256", ModelArtifact.sha256(weights));
    }
    m.put("node", node);
    m.put("inputSize", imageSize());
    m.put("reflectPadPixels", padPixels());
    m.put("detectorInputSize", detectorInputSize());
    long[] shape = featureShape();
    m.put("featureShape", List.of(shape[0], shape[1], shape[2]));
    m.put("frozen", true);
    m.put(
        "input",
        "the artifact's ImageNet-normalised image, mapped back to RGB 0-255 inside the graph");
    return m;
  }

  /**
   * The feature node a manifest's {@code network.visualTrunk} names, or null when the model has no
   * frozen detector trunk.
   */
  public static String nodeOf(Map<String, Object> network) {
    if (network != null && network.get(MANIFEST_KEY) instanceof Map<?, ?> trunk) {
      if (KIND.equals(String.valueOf(trunk.get("kind")))) {
        return String.valueOf(trunk.get("node"));
      }
    }
    return null;
  }

  /** The feature node recorded in a composed graph's metadata, or null. */
  public static String nodeOf(ModelProto graph) {
    for (StringStringEntryProto e : graph.getMetadataPropsList()) {
      if (e.getKey().equals(NODE_METADATA)) {
        return e.getValue();
      }
    }
    return null;
  }

  /** image (ImageNet-normalised, CHW) → pixels (RGB bytes 0–255 as floats). */
  private ModelProto pixels() {
    OnnxGraph g = new OnnxGraph("imagenet_to_rgb255");
    int s = imageSize();
    g.input(IMAGE, OnnxSignature.BATCH_PARAM, 3, s, s);
    float[] scale = new float[3];
    float[] offset = new float[3];
    for (int c = 0; c < 3; c++) {
      scale[c] = 255f * ImageNormalizer.IMAGENET_STD[c];
      offset[c] = 255f * ImageNormalizer.IMAGENET_MEAN[c];
    }
    String scaled =
        g.node("Mul", "scale", null, IMAGE, g.floats("scale.c11", new long[] {3, 1, 1}, scale));
    String shifted =
        g.node("Add", "offset", null, scaled, g.floats("offset.c11", new long[] {3, 1, 1}, offset));
    // Rounded to the bytes the contract started from (and clipped as a byte is): the detector sees
    // exactly the pixels the trainer's detector saw, not values 3e-5 off.
    String rounded = g.node("Round", "round", null, shifted);
    int pad = padPixels();
    String bytes =
        g.node(
            "Clip",
            "clip",
            pad == 0 ? "pixels" : null,
            rounded,
            g.scalar("byte.min", 0f),
            g.scalar("byte.max", 255f));
    if (pad > 0) {
      g.node(
          "Pad",
          "reflect",
          "pixels",
          g.attrs().s("mode", "reflect"),
          bytes,
          g.int64s("reflect.pads", 0, 0, pad, pad, 0, 0, pad, pad));
    }
    int side = detectorInputSize();
    g.output("pixels", OnnxSignature.BATCH_PARAM, 3, side, side);
    return OnnxExporter.model(g, "ImageNet-normalised RGB back to 0-255").build();
  }
}
