package io.avloc.core.artifact;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import io.avloc.core.detector.CenterNet;
import io.avloc.core.detector.DetectorTrunk;
import io.avloc.core.detector.ObjectGuidance;
import io.avloc.core.heatmap.ObjectGuidedLocalization;
import io.avloc.core.model.AvLocalizer;
import io.avloc.core.model.AvLocalizerConfig;
import io.avloc.core.model.DetectorHeadLocalizer;
import io.avloc.core.model.Preset;
import io.avloc.core.onnx.OnnxComposer;
import io.avloc.core.onnx.OnnxExporter;
import io.avloc.core.onnx.OnnxSignature;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.apache.kafka.common.utils.Utils;

/**
 * Writes an {@link AvLocalizer} as a model artifact: {@code model.params} (DJL parameters, for the
 * PyTorch engine and for resuming training), {@code model.onnx} (the inference graph with a
 * symbolic batch N and frame count T, for ONNX Runtime), one fixed-shape graph per requested batch
 * size, {@code model-b<N>.onnx} (TensorRT 8 wants every dimension fixed), and the manifest.
 */
public final class ModelExporter {

  /** Deviations from the reference code that every avloc model shares. */
  public static final List<String> STANDARD_DEVIATIONS =
      List.of(
          "audio is resampled to 16 kHz with a Kaiser-windowed sinc before the spectrogram; the"
              + " reference code keeps each file's native rate",
          "test-time images are resized with avloc's bicubic, bit-identical to Pillow 9.4's"
              + " antialiased bicubic on every checked case",
          "simmap is the own-pair cosine similarity, not divided by tau (min-max normalization"
              + " makes the scale irrelevant for localization)");

  /** Default fixed batch sizes exported for TensorRT. */
  public static final List<Integer> DEFAULT_FIXED_BATCHES = List.of(1, 8);

  private ModelExporter() {}

  /**
   * What to record about the model beyond its network.
   *
   * @param name model name (no '@')
   * @param version model version (no '@')
   * @param method {@code ezvsl}, {@code marginnce}, {@code fnac}, or {@code random} for an
   *     untrained network
   * @param training data, command, seed, hyper-parameters; {@code null} for an untrained model
   * @param metrics evaluation results; may be empty
   * @param deviations deviations beyond {@link #STANDARD_DEVIATIONS}
   * @param fixedBatches batch sizes of the fixed-shape ONNX graphs
   */
  public record Description(
      String name,
      String version,
      String method,
      Map<String, Object> training,
      Map<String, Double> metrics,
      List<String> deviations,
      List<Integer> fixedBatches) {

    public Description {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(version, "version");
      Objects.requireNonNull(method, "method");
      metrics = metrics == null ? Map.of() : metrics;
      deviations = deviations == null ? List.of() : List.copyOf(deviations);
      fixedBatches = fixedBatches == null ? DEFAULT_FIXED_BATCHES : List.copyOf(fixedBatches);
      if (fixedBatches.stream().anyMatch(b -> b == null || b <= 0)) {
        throw new IllegalArgumentException("fixed batch sizes must be positive: " + fixedBatches);
      }
    }

    /** An untrained (randomly initialised) model. */
    public static Description untrained(String name, String version, long seed) {
      return new Description(
          name,
          version,
          "random",
          Map.of("data", "none (random initialisation)", "seed", seed),
          Map.of(),
          List.of(),
          DEFAULT_FIXED_BATCHES);
    }
  }

  /** Exports {@code net} (initialized, on any DJL engine) to {@code dir}. */
  public static ModelArtifact export(AvLocalizer net, Description description, Path dir)
      throws IOException {
    AvLocalizerConfig config = net.config();
    return writeStaged(
        dir,
        (staging, files) -> {
          files.put(ModelArtifact.PARAMS, saveParams(net, staging));
          Path onnx = staging.resolve(ModelArtifact.ONNX);
          OnnxExporter.write(net, OnnxSignature.dynamic(), onnx);
          files.put(ModelArtifact.ONNX, onnx);
          for (int batch : description.fixedBatches()) {
            String name = fixedBatchFile(batch);
            Path file = staging.resolve(name);
            OnnxExporter.write(net, OnnxSignature.fixed(batch, config.frames()), file);
            files.put(name, file);
          }
          return manifest(
              description,
              config.name(),
              inputs(config),
              outputs(config),
              network(config),
              PreprocessingContract.standard(config.imageSize()).declared(),
              List.of());
        });
  }

  /**
   * Writes a localizer head trained on a frozen detector's features as a model artifact whose graph
   * holds the detector too ({@link DetectorTrunk#compose}): {@code model.onnx} (symbolic N and T),
   * one fixed-shape graph per {@link Description#fixedBatches()}, {@code model.params} (the head's
   * DJL parameters only: the detector is frozen and comes from its package) and the manifest, whose
   * inputs and outputs are read from the composed graph, whose preprocessing is the standard
   * contract at the detector's input size, and whose {@code network} table records the head's
   * sizes, the trunk ({@value DetectorTrunk#MANIFEST_KEY}: package, model checksum, node, input
   * size, feature shape) and the object prior ({@value CenterNet#MANIFEST_KEY}). The one export
   * path of such models: the trainer and tests call it.
   *
   * @param head the trained head, initialised, on any DJL engine
   * @param trunk the detector and the feature node the head was trained on
   */
  public static ModelArtifact exportOnDetector(
      DetectorHeadLocalizer head, DetectorTrunk trunk, Description description, Path dir)
      throws IOException {
    return exportOnDetector(head, trunk, description, dir, true);
  }

  /**
   * As {@link #exportOnDetector(DetectorHeadLocalizer, DetectorTrunk, Description, Path)}; without
   * {@code objectPrior} the graph does not output the detector's class heatmaps ({@link
   * DetectorTrunk#compose(ModelProto, boolean)}), so the pipeline serves the audio-visual map with
   * unlabelled boxes, at the cost of a model without them.
   */
  public static ModelArtifact exportOnDetector(
      DetectorHeadLocalizer head,
      DetectorTrunk trunk,
      Description description,
      Path dir,
      boolean objectPrior)
      throws IOException {
    Objects.requireNonNull(head, "head");
    Objects.requireNonNull(trunk, "trunk");
    long[] features = trunk.featureShape();
    if (features[0] != head.featureChannels()) {
      throw new IllegalArgumentException(
          "the head takes "
              + head.featureChannels()
              + "-channel features but detector node "
              + trunk.node()
              + " gives "
              + features[0]);
    }
    int h = Math.toIntExact(features[1]);
    int w = Math.toIntExact(features[2]);
    ModelProto composed =
        trunk.compose(OnnxExporter.export(head, OnnxSignature.dynamic(), h, w), objectPrior);
    AvLocalizerConfig audio = head.audioConfig();
    PreprocessingContract contract = PreprocessingContract.standard(trunk.imageSize());
    return writeStaged(
        dir,
        (staging, files) -> {
          files.put(ModelArtifact.PARAMS, saveParams(head, staging));
          files.put(ModelArtifact.ONNX, write(composed, staging.resolve(ModelArtifact.ONNX)));
          for (int batch : description.fixedBatches()) {
            String name = fixedBatchFile(batch);
            ModelProto fixed =
                OnnxComposer.fixDimensions(
                    composed,
                    Map.of(
                        OnnxSignature.BATCH_PARAM,
                        (long) batch,
                        OnnxSignature.FRAMES_PARAM,
                        (long) contract.frames()));
            files.put(name, write(fixed, staging.resolve(name)));
          }
          return manifest(
              description,
              DetectorTrunk.presetName(audio),
              specs(composed.getGraph().getInputList()),
              specs(composed.getGraph().getOutputList()),
              detectorNetwork(head, trunk, h, objectPrior),
              contract.declared(),
              List.of(
                  "the visual trunk is the frozen COCO CenterNet of "
                      + CenterNet.PACKAGE
                      + " (feature node "
                      + trunk.node()
                      + " at "
                      + trunk.inputSize()
                      + "x"
                      + trunk.inputSize()
                      + "), not a ResNet-18"));
        });
  }

  /** The manifest's {@code network} table of a head on a frozen detector. */
  private static Map<String, Object> detectorNetwork(
      DetectorHeadLocalizer head, DetectorTrunk trunk, int mapSize, boolean objectPrior)
      throws IOException {
    AvLocalizerConfig audio = head.audioConfig();
    Map<String, Object> network = new LinkedHashMap<>();
    network.put(
        "architecture",
        "DetectorHeadLocalizer: frozen CenterNet features, "
            + (head.normalizeFeatures() ? "per-position L2" : "raw (no per-position L2)")
            + ", 1x1 conv, L2; ResNet-18 audio trunk (torchvision layout)"
            + (head.audioBatchNorm() != null
                ? ", batch norm of the pooled audio features before the projection"
                : ""));
    network.put("imageSize", trunk.imageSize());
    network.put("mapSize", mapSize);
    network.put("featureChannels", head.featureChannels());
    network.put("centreFeatures", head.centreFeatures());
    head.recordHeadOptions(network);
    network.put("audioWidths", audio.audioWidths());
    network.put("embeddingDim", audio.embeddingDim());
    network.put("tau", audio.tau());
    if (audio.visualDropout() > 0) {
      // FNAC's, recorded as for AvLocalizer; only when on, so other heads' manifests are unchanged
      network.put("visualDropout", audio.visualDropout());
    }
    network.put("frequencyBins", audio.frequencyBins());
    network.put("frames", audio.frames());
    network.put(DetectorTrunk.MANIFEST_KEY, trunk.manifestEntry());
    network.put(CenterNet.MANIFEST_KEY, CenterNet.PRIOR_NAME);
    // The graph outputs the detector's class heatmaps too: its maps are OGL maps at the
    // reference's weight (ObjectGuidance), its boxes get COCO labels.
    if (objectPrior) {
      network.put(ObjectGuidance.ALPHA_KEY, ObjectGuidedLocalization.DEFAULT_ALPHA);
    }
    network.put("onnxOpset", OnnxExporter.OPSET);
    return network;
  }

  /** What an export writes into its staging folder, and the manifest that describes it. */
  @FunctionalInterface
  private interface Staging {
    ModelManifest stage(Path staging, Map<String, Path> files) throws IOException;
  }

  /**
   * The one way an export writes an artifact: the files go to a staging folder inside {@code dir}
   * first, so a failed export leaves no half-written artifact, and the staging folder goes either
   * way.
   */
  private static ModelArtifact writeStaged(Path dir, Staging stage) throws IOException {
    Files.createDirectories(dir);
    Path staging = Files.createTempDirectory(dir, ".export-");
    try {
      Map<String, Path> files = new LinkedHashMap<>();
      ModelManifest manifest = stage.stage(staging, files);
      return ModelArtifact.write(dir, manifest, files);
    } finally {
      Utils.delete(staging.toFile());
    }
  }

  /**
   * A manifest as every export writes it: now as its creation time, the standard deviations, then
   * the model kind's own ({@code modelDeviations}), then the description's.
   */
  private static ModelManifest manifest(
      Description description,
      String preset,
      Map<String, TensorSpec> inputs,
      Map<String, TensorSpec> outputs,
      Map<String, Object> network,
      Preprocessing preprocessing,
      List<String> modelDeviations) {
    List<String> deviations = new ArrayList<>(STANDARD_DEVIATIONS);
    deviations.addAll(modelDeviations);
    deviations.addAll(description.deviations());
    return new ModelManifest(
        ModelManifest.FORMAT_VERSION,
        description.name(),
        description.version(),
        description.method(),
        preset,
        Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(),
        inputs,
        outputs,
        network,
        preprocessing,
        description.training(),
        description.metrics(),
        deviations,
        null);
  }

  private static Path write(ModelProto model, Path file) throws IOException {
    try (OutputStream out = Files.newOutputStream(file)) {
      model.writeTo(out);
    }
    return file;
  }

  private static Map<String, TensorSpec> specs(List<ValueInfoProto> values) {
    Map<String, TensorSpec> m = new LinkedHashMap<>();
    for (ValueInfoProto v : values) {
      m.put(v.getName(), ModelArtifact.spec(v));
    }
    return m;
  }

  /**
   * Initialises a network of {@code preset} as in the papers (seeded) on the PyTorch engine, which
   * must be on the classpath, and exports it: the model the pipeline runs before a trained one
   * exists. {@code configure} may load weights (e.g. ImageNet) before the export.
   */
  public static ModelArtifact exportUntrained(
      Preset preset,
      Description description,
      long seed,
      Path dir,
      java.util.function.Consumer<AvLocalizer> configure)
      throws IOException {
    Engine torch = Engine.getEngine("PyTorch");
    torch.setRandomSeed((int) seed);
    try (NDManager manager = torch.newBaseManager()) {
      AvLocalizer net = new AvLocalizer(preset.config());
      net.initialize(manager, DataType.FLOAT32, preset.config().inputShapes(1));
      configure.accept(net);
      return export(net, description, dir);
    }
  }

  /**
   * {@link #exportUntrained(Preset, Description, long, Path, java.util.function.Consumer)} as is.
   */
  public static ModelArtifact exportUntrained(
      Preset preset, Description description, long seed, Path dir) throws IOException {
    return exportUntrained(preset, description, seed, dir, net -> {});
  }

  /** File name of the fixed-shape graph for a batch size. */
  public static String fixedBatchFile(int batch) {
    return "model-b" + batch + ".onnx";
  }

  /** The dynamic graph's inputs: {@code image} [N,3,S,S], {@code spectrogram} [N,1,F,T]. */
  public static Map<String, TensorSpec> inputs(AvLocalizerConfig c) {
    Map<String, TensorSpec> m = new LinkedHashMap<>();
    m.put(
        AvLocalizer.INPUT_NAMES.get(0),
        TensorSpec.of(OnnxSignature.BATCH_PARAM, 3, c.imageSize(), c.imageSize()));
    m.put(
        AvLocalizer.INPUT_NAMES.get(1),
        TensorSpec.of(OnnxSignature.BATCH_PARAM, 1, c.frequencyBins(), OnnxSignature.FRAMES_PARAM));
    return m;
  }

  /** The dynamic graph's outputs: simmap [N,h,w], audio_emb [N,D], visual_map [N,D,h,w]. */
  public static Map<String, TensorSpec> outputs(AvLocalizerConfig c) {
    int h = c.mapSize();
    Map<String, TensorSpec> m = new LinkedHashMap<>();
    String n = OnnxSignature.BATCH_PARAM;
    m.put(AvLocalizer.OUTPUT_NAMES.get(AvLocalizer.SIMMAP), TensorSpec.of(n, h, h));
    m.put(AvLocalizer.OUTPUT_NAMES.get(AvLocalizer.AUDIO_EMB), TensorSpec.of(n, c.embeddingDim()));
    m.put(
        AvLocalizer.OUTPUT_NAMES.get(AvLocalizer.VISUAL_MAP),
        TensorSpec.of(n, c.embeddingDim(), h, h));
    return m;
  }

  private static Map<String, Object> network(AvLocalizerConfig c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("architecture", "AvLocalizer: ResNet-18 visual and audio trunks (torchvision layout)");
    m.put("imageSize", c.imageSize());
    m.put("mapSize", c.mapSize());
    m.put("visualWidths", c.visualWidths());
    m.put("audioWidths", c.audioWidths());
    m.put("embeddingDim", c.embeddingDim());
    m.put("tau", c.tau());
    m.put("visualDropout", c.visualDropout());
    m.put("frequencyBins", c.frequencyBins());
    m.put("frames", c.frames());
    m.put("onnxOpset", OnnxExporter.OPSET);
    return m;
  }

  private static Path saveParams(Block net, Path staging) throws IOException {
    Parameter any = net.getParameters().valueAt(0);
    String engine = any.getArray().getManager().getEngine().getEngineName();
    Path djlDir = Files.createDirectories(staging.resolve("djl"));
    try (Model model = Model.newInstance("model", engine)) {
      model.setBlock(net);
      model.save(djlDir, "model");
    }
    // DJL names the file model-0000.params; the artifact contract says model.params
    // (ModelArtifact.loadParameters presents it back to DJL under DJL's name).
    try (Stream<Path> written = Files.list(djlDir)) {
      Path params =
          written
              .filter(p -> p.getFileName().toString().endsWith(".params"))
              .findFirst()
              .orElseThrow(() -> new IOException("DJL wrote no .params file in " + djlDir));
      return Files.move(params, staging.resolve(ModelArtifact.PARAMS));
    }
  }
}
