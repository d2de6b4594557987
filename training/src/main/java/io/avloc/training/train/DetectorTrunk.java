package io.avloc.training.train;

import io.avloc.core.detector.CenterNet;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * {@code avloc train --detector-trunk}: the frozen COCO CenterNet as the visual trunk, run on ONNX
 * Runtime, with a {@link io.avloc.core.model.DetectorHeadLocalizer} trained on its features.
 *
 * @param dir the detector's cache folder ({@code training/fetch-detector.sh})
 * @param inputSize side of the square picture the detector sees (a multiple of 32)
 * @param node {@code head} ({@value CenterNet#HEAD_FEATURES}: stride 16, 256 channels) or {@code
 *     trunk} ({@value CenterNet#TRUNK_FEATURES}: stride 32, 120 channels)
 */
public record DetectorTrunk(Path dir, int inputSize, String node) {

  /** The default {@code --detector-trunk}: 224 px, head features (14×14 maps). */
  public static final String DEFAULT_SPEC = "224:head";

  public DetectorTrunk {
    Objects.requireNonNull(dir, "dir");
    CenterNet.checkInputSize(inputSize);
    if (!node.equals("head") && !node.equals("trunk")) {
      throw new IllegalArgumentException(
          "--detector-trunk: the feature node is head ("
              + CenterNet.HEAD_FEATURES
              + ") or trunk ("
              + CenterNet.TRUNK_FEATURES
              + "), not "
              + node);
    }
  }

  /** Parses {@code SIZE[:head|trunk]} (head by default). */
  public static DetectorTrunk parse(Path dir, String spec) {
    String[] parts = spec.trim().toLowerCase(Locale.ROOT).split(":", 2);
    int size;
    try {
      size = Integer.parseInt(parts[0]);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "--detector-trunk " + spec + ": write SIZE[:head|trunk], e.g. " + DEFAULT_SPEC, e);
    }
    return new DetectorTrunk(dir, size, parts.length > 1 ? parts[1] : "head");
  }

  /** The ONNX output the head reads. */
  public String outputNode() {
    return node.equals("head") ? CenterNet.HEAD_FEATURES : CenterNet.TRUNK_FEATURES;
  }

  /** Channels of that output. */
  public int channels() {
    return node.equals("head") ? CenterNet.HEAD_CHANNELS : CenterNet.TRUNK_CHANNELS;
  }

  /** Side of the feature map (and of the heat map). */
  public int mapSize() {
    return inputSize / (node.equals("head") ? CenterNet.HEAD_STRIDE : CenterNet.TRUNK_STRIDE);
  }

  /** What a resumed run must match, and what the head's description records. */
  Map<String, Object> fingerprint() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("detector", CenterNet.PACKAGE);
    m.put("detector_input", inputSize);
    m.put("detector_node", outputNode());
    return m;
  }
}
