package io.avloc.training.train;

import io.avloc.core.detector.CenterNet;
import io.avloc.core.model.DetectorHeadLocalizer;
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
 *     DetectorHeadLocalizer#centreFeatures()})
 * @param normalizeFeatures whether the head L2-normalises each position's features before its
 *     projection ({@link DetectorHeadLocalizer#normalizeFeatures()}; {@code :raw} turns it off, for
 *     the class heatmaps, whose near-zero background the L2 would turn into unit-length noise)
 * @param audioBatchNorm whether the head standardises its pooled audio features over the batch
 *     ({@link DetectorHeadLocalizer#audioBatchNorm()}; {@code :audiobn} turns it on)
 */
public record DetectorTrunk(
    Path dir,
    int inputSize,
    String node,
    boolean reflectPad,
    boolean centre,
    boolean normalizeFeatures,
    boolean audioBatchNorm) {

  /** No audio batch norm. */
  public DetectorTrunk(
      Path dir,
      int inputSize,
      String node,
      boolean reflectPad,
      boolean centre,
      boolean normalizeFeatures) {
    this(dir, inputSize, node, reflectPad, centre, normalizeFeatures, false);
  }

  /** No centring, per-position L2. */
  public DetectorTrunk(Path dir, int inputSize, String node, boolean reflectPad) {
    this(dir, inputSize, node, reflectPad, false);
  }

  /** Per-position L2 ({@link DetectorHeadLocalizer#DEFAULT_NORMALIZE_FEATURES}). */
  public DetectorTrunk(Path dir, int inputSize, String node, boolean reflectPad, boolean centre) {
    this(
        dir, inputSize, node, reflectPad, centre, DetectorHeadLocalizer.DEFAULT_NORMALIZE_FEATURES);
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

  /** What {@code --detector-trunk} takes. */
  public static final String USAGE = "SIZE[:head|trunk|classes][:nopad][:centre][:raw][:audiobn]";

  /** Option: no mirrored margin ({@link #reflectPad()} off). */
  static final String NOPAD = "nopad";

  /** Option: the head centres the features ({@link #centre()}). */
  static final String CENTRE = "centre";

  /** Option: no per-position L2 of the features ({@link #normalizeFeatures()} off). */
  static final String RAW = "raw";

  /** Option: a batch norm over the pooled audio features ({@link #audioBatchNorm()} on). */
  static final String AUDIO_BN = "audiobn";

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
   * Parses {@value #USAGE}: head features, reflect padding, no centring and the per-position L2 by
   * default; {@code nopad} drops the mirrored margin, {@code centre} centres the features, {@code
   * raw} skips the per-position L2, {@code audiobn} adds the audio batch norm, in any order after
   * SIZE.
   */
  public static DetectorTrunk parse(Path dir, String spec) {
    String[] parts = spec.trim().toLowerCase(Locale.ROOT).split(":", 2);
    int size;
    try {
      size = Integer.parseInt(parts[0]);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "--detector-trunk " + spec + ": write " + USAGE + ", e.g. " + DEFAULT_SPEC, e);
    }
    String node = null;
    boolean pad = true;
    boolean centre = false;
    boolean normalize = DetectorHeadLocalizer.DEFAULT_NORMALIZE_FEATURES;
    boolean audioBn = false;
    for (String part : parts.length > 1 ? parts[1].split(":") : new String[0]) {
      switch (part) {
        case NOPAD -> pad = false;
        case CENTRE -> centre = true;
        case RAW -> normalize = false;
        case AUDIO_BN -> audioBn = true;
        default -> {
          if (!NODES.containsKey(part)) {
            throw refused(
                spec,
                "'"
                    + part
                    + "' is neither a feature node "
                    + NODES
                    + " nor an option ("
                    + String.join(", ", NOPAD, CENTRE, RAW, AUDIO_BN)
                    + ")");
          }
          if (node != null) {
            throw refused(spec, "two feature nodes, " + node + " and " + part);
          }
          node = part;
        }
      }
    }
    return new DetectorTrunk(
        dir, size, node == null ? "head" : node, pad, centre, normalize, audioBn);
  }

  /**
   * The {@code --detector-trunk} name of a detector output ({@code head}, {@code trunk} or {@code
   * classes}), as a run's {@code head.json} records the output.
   */
  static String nodeName(String outputNode) {
    return NODES.entrySet().stream()
        .filter(e -> e.getValue().equals(outputNode))
        .map(Map.Entry::getKey)
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "feature node " + outputNode + " is none of the detector's " + NODES));
  }

  private static IllegalArgumentException refused(String spec, String why) {
    return new IllegalArgumentException(
        "--detector-trunk " + spec + ": " + why + "; write " + USAGE + ", e.g. " + DEFAULT_SPEC);
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

  /** This trunk as the graph of a model artifact ({@link ModelExporter#exportOnDetector}). */
  public io.avloc.core.detector.DetectorTrunk artifactTrunk() {
    return new io.avloc.core.detector.DetectorTrunk(dir, inputSize, outputNode(), reflectPad);
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
    if (normalizeFeatures != DetectorHeadLocalizer.DEFAULT_NORMALIZE_FEATURES) {
      // only when off, so the fingerprints of runs from before the option still match on --resume
      m.put("normalize_features", normalizeFeatures);
    }
    if (audioBatchNorm) {
      m.put("audio_batch_norm", true);
    }
    return m;
  }
}
