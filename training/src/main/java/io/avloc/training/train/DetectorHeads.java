package io.avloc.training.train;

import ai.djl.MalformedModelException;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.avloc.core.artifact.ModelArtifact;
import io.avloc.core.artifact.ModelExporter;
import io.avloc.core.detector.CenterNet;
import io.avloc.core.model.AvLocalizer;
import io.avloc.core.model.AvLocalizerConfig;
import io.avloc.core.model.DetectorHeadLocalizer;
import io.avloc.core.model.Preset;
import io.avloc.core.serde.Json;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The trained {@link DetectorHeadLocalizer} of a {@code --detector-trunk} run, as files in the run
 * folder: {@value #PARAMS} (the head's DJL parameters, loadable into {@code new
 * DetectorHeadLocalizer(preset config, channels)}) and {@value #DESCRIPTION} (which detector node
 * at which input size feeds it, the preset, and the run's command, data, seed, metrics and
 * deviations). A composed artifact (detector graph + head) is built from these two files.
 */
public final class DetectorHeads {

  /** The head's parameters (DJL format, the head block alone). */
  public static final String PARAMS = "head.params";

  /** What feeds the head and how it was trained (JSON). */
  public static final String DESCRIPTION = "head.json";

  /** Key of FNAC's visual dropout in {@value #DESCRIPTION}'s head table (absent when 0). */
  private static final String VISUAL_DROPOUT = "visualDropout";

  private DetectorHeads() {}

  /** Writes the head of {@code net} and its description into {@code dir}. */
  static void write(FrozenDetectorLocalizer net, ModelExporter.Description description, Path dir)
      throws IOException {
    Files.createDirectories(dir);
    try (DataOutputStream out =
        new DataOutputStream(
            new BufferedOutputStream(Files.newOutputStream(dir.resolve(PARAMS))))) {
      net.head().saveParameters(out);
    }
    DetectorTrunk trunk = net.trunk();
    Map<String, Object> detector = new LinkedHashMap<>();
    detector.put("package", CenterNet.PACKAGE);
    detector.put("input", CenterNet.INPUT);
    detector.put("inputSize", trunk.inputSize());
    detector.put("inputLayout", "NHWC RGB 0-255");
    detector.put("reflectPadPixels", trunk.padPixels());
    detector.put("detectorInputSize", trunk.detectorInputSize());
    detector.put(
        "featureCrop",
        "features of the padded picture, minus "
            + trunk.padPixels() / trunk.stride()
            + " cell(s) on every side");
    detector.put("featureNode", trunk.outputNode());
    detector.put("featureChannels", trunk.channels());
    detector.put("featureMapSize", trunk.mapSize());
    detector.put("featureLayout", "NHWC from the detector, transposed to NCHW for the head");
    Map<String, Object> head = new LinkedHashMap<>();
    head.put("block", DetectorHeadLocalizer.class.getName());
    head.put("inputs", DetectorHeadLocalizer.INPUT_NAMES);
    head.put("outputs", AvLocalizer.OUTPUT_NAMES);
    head.put("preset", net.head().audioConfig().name());
    head.put("centreFeatures", net.head().centreFeatures());
    net.head().recordHeadOptions(head);
    float dropout = net.head().audioConfig().visualDropout();
    if (dropout > 0) {
      // FNAC's: only training uses it, but a re-export records it as the trainer's export does
      head.put(VISUAL_DROPOUT, dropout);
    }
    head.put("embeddingDim", net.head().audioConfig().embeddingDim());
    head.put("tau", net.head().audioConfig().tau());
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("name", description.name());
    json.put("version", description.version());
    json.put("method", description.method());
    json.put("detector", detector);
    json.put("head", head);
    json.put("training", description.training());
    json.put("metrics", description.metrics());
    json.put("deviations", description.deviations());
    Json.MAPPER
        .writer(SerializationFeature.INDENT_OUTPUT)
        .writeValue(dir.resolve(DESCRIPTION).toFile(), json);
  }

  /**
   * Exports the head in {@code dir} behind the detector in {@code detectorDir} as a model artifact
   * in {@code out}, with the name, version, method, training record, metrics and deviations of its
   * {@value #DESCRIPTION}: what the trainer's own export writes, by this version of avloc (e.g. the
   * detector's class heatmaps as an output, for object-guided maps and box labels).
   */
  public static ModelArtifact export(Path dir, Path detectorDir, Path out) throws IOException {
    return export(dir, detectorDir, out, true);
  }

  /**
   * As {@link #export(Path, Path, Path)}; without {@code objectPrior} the artifact has no class
   * heatmaps ({@link ModelExporter#exportOnDetector(io.avloc.core.model.DetectorHeadLocalizer,
   * io.avloc.core.detector.DetectorTrunk, ModelExporter.Description, Path, boolean)}).
   */
  public static ModelArtifact export(Path dir, Path detectorDir, Path out, boolean objectPrior)
      throws IOException {
    Map<?, ?> json = Json.MAPPER.readValue(dir.resolve(DESCRIPTION).toFile(), Map.class);
    ModelExporter.Description description =
        new ModelExporter.Description(
            String.valueOf(json.get("name")),
            String.valueOf(json.get("version")),
            String.valueOf(json.get("method")),
            Objects.requireNonNullElse(
                table(json, "training", new TypeReference<Map<String, Object>>() {}), Map.of()),
            table(json, "metrics", new TypeReference<Map<String, Double>>() {}),
            table(json, "deviations", new TypeReference<List<String>>() {}),
            null);
    try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager();
        FrozenDetectorLocalizer net = load(dir, detectorDir, manager)) {
      return ModelExporter.exportOnDetector(
          net.head(), net.trunk().artifactTrunk(), description, out, objectPrior);
    }
  }

  /** Entry {@code key} of {@value #DESCRIPTION} as {@code type}; null when absent. */
  private static <T> T table(Map<?, ?> json, String key, TypeReference<T> type) {
    return Json.MAPPER.convertValue(json.get(key), type);
  }

  /** Whether {@code dir} holds a trained detector head. */
  public static boolean isHead(Path dir) {
    return Files.isRegularFile(dir.resolve(DESCRIPTION))
        && Files.isRegularFile(dir.resolve(PARAMS));
  }

  /**
   * Loads the head in {@code dir} behind the detector in {@code detectorDir}, ready for inference
   * (the caller closes it).
   */
  public static FrozenDetectorLocalizer load(Path dir, Path detectorDir, NDManager manager)
      throws IOException {
    Map<?, ?> json = Json.MAPPER.readValue(dir.resolve(DESCRIPTION).toFile(), Map.class);
    Map<?, ?> detector = (Map<?, ?>) json.get("detector");
    Map<?, ?> head = (Map<?, ?>) json.get("head");
    String node = DetectorTrunk.nodeName(String.valueOf(detector.get("featureNode")));
    Object pad = detector.get("reflectPadPixels");
    DetectorTrunk trunk =
        new DetectorTrunk(
            detectorDir,
            ((Number) detector.get("inputSize")).intValue(),
            node,
            pad != null && ((Number) pad).intValue() > 0,
            Boolean.TRUE.equals(head.get("centreFeatures")),
            DetectorHeadLocalizer.normalizeFeatures(head),
            DetectorHeadLocalizer.audioBatchNorm(head));
    AvLocalizerConfig config = Preset.of((String) head.get("preset")).config();
    if (head.get(VISUAL_DROPOUT) instanceof Number dropout) {
      config = config.withVisualDropout(dropout.floatValue());
    }
    FrozenDetectorLocalizer net = FrozenDetectorLocalizer.load(trunk, config);
    net.initialize(manager, DataType.FLOAT32, net.config().inputShapes(1));
    try (DataInputStream in =
        new DataInputStream(new BufferedInputStream(Files.newInputStream(dir.resolve(PARAMS))))) {
      net.head().loadParameters(manager, in);
    } catch (MalformedModelException e) {
      net.close();
      throw new IOException(dir.resolve(PARAMS) + " does not fit the head: " + e.getMessage(), e);
    }
    return net;
  }
}
