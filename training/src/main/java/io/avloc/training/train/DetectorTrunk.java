package io.avloc.training.train;

import io.avloc.core.detector.CenterNet;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * {@code avloc train --detector-trunk}: the frozen COCO CenterNet as the visual trunk, run on ONNX
 * Runtime, with a {@link io.avloc.core.model.DetectorHeadLocalizer} trained on its features.
 *
 * @param dir the detector's cache folder ({@code training/fetch-detector.sh})
 * @param inputSize side of the square picture the detector sees (a multiple of 32)
 * @param node {@code head} ({@value CenterNet#HEAD_FEATURES}: stride 16, 256 channels), {@code
 *     trunk} ({@value CenterNet#TRUNK_FEATURES}: stride 32, 120 channels) or {@code classes}
 *     ({@value CenterNet#KEYPOINTS}: the 80 COCO class heatmaps after their sigmoid, stride 4)
 * @param reflectPad whether the picture is mirrored outwards by one feature cell (the node's
 *     stride) on every side before the detector sees it, and the outer ring of feature cells
 *     dropped: the kept cells are exactly the picture's, and none of them is a border cell of the
 *     detector, whose features carry the image-independent signature of its zero padding (measured:
 *     without it, a trained head put the peak of every validation map on the bottom-right cell)
 * @param centre whether the head subtracts each picture's mean feature direction ({@link
 *     io.avloc.core.model.DetectorHeadLocalizer#centreFeatures()})
 */
public record DetectorTrunk(
    Path dir, int inputSize, String node, boolean reflectPad, boolean centre) {

  /** Head features, mirrored margin, no centring. */
  public DetectorTrunk(Path dir, int inputSize, String node, boolean reflectPad) {
    this(dir, inputSize, node, reflectPad, false);
  }

  /** The {@code --detector-trunk} names of the detector's feature nodes. */
  static final Map<String, String> NODES =
      new TreeMap<>(
          Map.of(
              "head", CenterNet.HEAD_FEATURES,
              "trunk", CenterNet.TRUNK_FEATURES,
              "classes", CenterNet.KEYPOINTS));

  /** The default {@code --detector-trunk}: 224 px, head features (14×14 maps). */
  public static final String DEFAULT_SPEC = "224:head";

  public DetectorTrunk {
    Objects.requireNonNull(dir, "dir");
    CenterNet.checkInputSize(inputSize);
    Objects.requireNonNull(node, "node");
    if (!NODES.containsKey(node)) {
      throw new IllegalArgumentException(
          "--detector-trunk: the feature node is one of " + NODES + ", not " + node);
    }
  }

  /**
   * Parses {@code SIZE[:head|trunk|classes][:nopad][:centre]} (head features, reflect padding, no
   * centring by default).
   */
  public static DetectorTrunk parse(Path dir, String spec) {
    String[] parts = spec.trim().toLowerCase(Locale.ROOT).split(":", 2);
    int size;
    try {
      size = Integer.parseInt(parts[0]);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "--detector-trunk " + spec + ": write SIZE[:head|trunk|classes], e.g. " + DEFAULT_SPEC,
          e);
    }
    String node = "head";
    boolean pad = true;
    boolean centre = false;
    for (String part : parts.length > 1 ? parts[1].split(":") : new String[0]) {
      switch (part) {
        case "nopad" -> pad = false;
        case "centre" -> centre = true;
        default -> node = part;
      }
    }
    return new DetectorTrunk(dir, size, node, pad, centre);
  }

  /** The ONNX output the head reads. */
  public String outputNode() {
    return NODES.get(node);
  }

  /** Channels of that output. */
  public int channels() {
    return CenterNet.featureChannels(outputNode());
  }

  /** Side of the feature map (and of the heat map). */
  public int mapSize() {
    return inputSize / stride();
  }

  /** The feature node's stride in pixels. */
  public int stride() {
    return CenterNet.featureStride(outputNode());
  }

  /** Pixels mirrored onto each side of the picture (one feature cell, or 0). */
  public int padPixels() {
    return reflectPad ? CenterNet.mirroredMargin(outputNode()) : 0;
  }

  /** Side of the square the detector runs on (the picture plus the mirrored margins). */
  public int detectorInputSize() {
    return inputSize + 2 * padPixels();
  }

  /** What a resumed run must match, and what the head's description records. */
  Map<String, Object> fingerprint() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("detector", CenterNet.PACKAGE);
    m.put("detector_input", inputSize);
    m.put("detector_node", outputNode());
    m.put("detector_reflect_pad", padPixels());
    if (centre) {
      m.put("centre_features", true);
    }
    return m;
  }
}
