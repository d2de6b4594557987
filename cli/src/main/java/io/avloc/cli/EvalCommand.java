package io.avloc.cli;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.avloc.core.artifact.ModelArtifact;
import io.avloc.core.artifact.ModelManifest;
import io.avloc.core.detector.CenterNet;
import io.avloc.core.detector.ObjectGuidance;
import io.avloc.core.heatmap.ObjectGuidedLocalization;
import io.avloc.core.heatmap.Upsampling;
import io.avloc.core.serde.Json;
import io.avloc.modelserver.engine.EngineKind;
import io.avloc.training.data.Datasets;
import io.avloc.training.data.LoadedDataset;
import io.avloc.training.eval.DetectorPrior;
import io.avloc.training.eval.EvalReport;
import io.avloc.training.eval.Evaluation;
import io.avloc.training.eval.MapKind;
import io.avloc.training.eval.ModelObjectPrior;
import io.avloc.training.eval.ObjectBackbone;
import io.avloc.training.eval.ObjectPrior;
import io.avloc.training.eval.TorchValidator;
import io.avloc.training.train.DetectorHeads;
import io.avloc.training.train.FrozenDetectorLocalizer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code avloc eval}: scores a model artifact on an annotated test set (docs/methods.md §5, §6).
 */
@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    header = "Scores a model on an annotated test set (cIoU/AP50, AUC, pointing).",
    description =
        "Scores a model on an annotated test set with the field's protocol: cIoU "
            + "(AP50), AUC, mean cIoU, pointing accuracy and the oracle ceiling over clips "
            + "with a visible source, and the on/off-screen AP of the audio-visual score over "
            + "all clips. Runs the artifact on ONNX Runtime, as the pipeline does.")
final class EvalCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--model",
      required = true,
      paramLabel = "DIR",
      description = "model artifact folder (manifest.json, model.onnx, model.params)")
  Path model;

  @Option(
      names = "--data",
      required = true,
      paramLabel = "DIR",
      description =
          "test set: VGG-SS (vggss.json, frames/<file>.jpg|png, audio/<file>.wav) or"
              + " Flickr-SoundNet (Annotations/<id>.xml, frames/, audio/)")
  Path data;

  @Option(
      names = "--format",
      defaultValue = "auto",
      description = "test-set layout: vggss, flickr or auto (default: ${DEFAULT-VALUE})")
  String format;

  @Option(
      names = "--map",
      description =
          "map to score: av (audio-visual), obj (the object prior alone), av+obj (EZ-VSL's OGL)"
              + " or centre (the centre-prior baseline) (default: what the pipeline emits for the"
              + " model: av+obj with the model's own object map when its graph outputs class"
              + " heatmaps, else av)")
  String map;

  @Option(
      names = "--upsample",
      defaultValue = "bilinear",
      description =
          "map upsampling to 224x224: bilinear (align_corners=True, as test.py) or bicubic (as"
              + " train.py's per-epoch validation) (default: ${DEFAULT-VALUE})")
  String upsample;

  @Option(
      names = "--alpha",
      description =
          "weight of the AV map in av+obj (default: the model's own, from its manifest, with"
              + " --object-prior model; else "
              + ObjectGuidedLocalization.DEFAULT_ALPHA
              + ", the reference's)")
  Double alpha;

  @Option(
      names = "--object-prior",
      paramLabel = "NAME",
      description =
          "object map of obj and av+obj: imagenet (EZ-VSL's frozen ResNet-18, needs --imagenet),"
              + " centernet (the COCO detector's objectness at its native 512x512;"
              + " training/fetch-detector.sh) or model (the objectness of the class heatmaps the"
              + " model's own graph outputs, as served) (default: model when the model outputs"
              + " class heatmaps, else what its manifest names, else imagenet)")
  String objectPrior;

  @Mixin DetectorFolderOption detector;

  @Option(
      names = "--imagenet",
      paramLabel = "FILE",
      description =
          "torchvision ResNet-18 ImageNet weights (.npz) for obj and av+obj"
              + " (tools/export_torchvision_resnet18.py)")
  Path imagenet;

  @Option(
      names = "--batch",
      defaultValue = "" + Evaluation.Options.DEFAULT_BATCH,
      paramLabel = "N",
      description = "clips per forward pass (default: ${DEFAULT-VALUE})")
  int batch;

  @Option(names = "--json", paramLabel = "FILE", description = "write the report as JSON")
  Path json;

  @Option(
      names = "--overlays",
      paramLabel = "DIR",
      description = "write <id>.png: the map over the frame with the ground-truth boxes and peak")
  Path overlays;

  @Option(
      names = "--maps",
      paramLabel = "DIR",
      description = "write <id>.f32: each scored 224x224 map, raw little-endian float32")
  Path maps;

  /** --format, --alpha, --batch and --model, each a usage error naming what was wrong. */
  private void checkFormatNumbersAndModel() {
    if (!List.of("auto", "vggss", "flickr").contains(format)) {
      throw usage(
          "--format must be vggss, flickr or auto (evaluation needs ground truth), got '"
              + format
              + "'");
    }
    if (alpha != null && !(alpha >= 0 && alpha <= 1)) {
      throw usage("--alpha must be in [0,1], got " + alpha);
    }
    if (batch < 1) {
      throw usage("--batch must be at least 1, got " + batch);
    }
    if (!Files.isDirectory(model)) {
      throw usage(
          "--model folder not found: " + model + "; pass the folder that holds manifest.json");
    }
  }

  /**
   * --object-prior, or the prior the model was trained with when not given.
   *
   * @param own whether the model outputs its own class heatmaps ({@link ObjectGuidance})
   */
  private String objectPriorName(ModelManifest manifest, boolean own) {
    String prior =
        objectPrior != null
            ? objectPrior.trim().toLowerCase(Locale.ROOT)
            : own
                ? ModelObjectPrior.NAME
                : CenterNet.usedBy(manifest) ? DetectorPrior.NAME : ObjectBackbone.NAME;
    if (!List.of(ObjectBackbone.NAME, DetectorPrior.NAME, ModelObjectPrior.NAME).contains(prior)) {
      throw usage(
          "--object-prior must be "
              + ObjectBackbone.NAME
              + ", "
              + DetectorPrior.NAME
              + " or "
              + ModelObjectPrior.NAME
              + ", got '"
              + objectPrior
              + "'");
    }
    if (prior.equals(ModelObjectPrior.NAME) && !own) {
      throw usage(
          "--object-prior model: "
              + manifest.id()
              + " outputs no class heatmaps (only a model on the frozen detector trunk, exported"
              + " by this version, does; re-export one with avloc model export --head RUN_DIR)");
    }
    return prior;
  }

  /** What the object map of --map needs: the detector's files, or the ImageNet weights. */
  private void checkObjectMapInputs(MapKind kind, boolean useDetector, Path detectorDir) {
    if (useDetector) {
      try {
        CenterNet.modelJson(detectorDir);
      } catch (IllegalArgumentException e) {
        throw usage("--object-prior centernet: " + e.getMessage());
      }
    }
    if (kind.needsObjectMap() && !useDetector && imagenet == null) {
      throw usage(
          "--map "
              + kind
              + " needs the frozen ImageNet ResNet-18 of OGL: pass --imagenet FILE with"
              + " torchvision resnet18 weights as .npz; "
              + ObjectBackbone.HOW_TO_EXPORT);
    }
    if (imagenet != null && !Files.isRegularFile(imagenet)) {
      throw usage("--imagenet file not found: " + imagenet + "; " + ObjectBackbone.HOW_TO_EXPORT);
    }
  }

  @Override
  public Integer call() throws Exception {
    MapKind kind;
    try {
      kind = map == null ? null : MapKind.of(map);
    } catch (IllegalArgumentException e) {
      throw usage("--map: " + e.getMessage());
    }
    Upsampling upsampling;
    try {
      upsampling = Evaluation.upsampling(upsample);
    } catch (IllegalArgumentException e) {
      throw usage("--upsample: " + e.getMessage());
    }
    checkFormatNumbersAndModel();
    // A finished --detector-trunk run holds the composed artifact (detector + head in one graph):
    // it is evaluated like any model; the head files alone (a run still going) take the two-step
    // path.
    if (DetectorHeads.isHead(model)
        && !Files.isRegularFile(model.resolve(ModelArtifact.MANIFEST))) {
      return evaluateDetectorHead(kind == null ? MapKind.AV : kind, upsampling);
    }
    ModelArtifact artifact = ModelArtifact.load(model);
    ModelManifest manifest = artifact.manifest();
    Optional<ObjectGuidance> guidance = ObjectGuidance.of(manifest);
    if (kind == null) {
      // What the pipeline emits for this model (PairInference): OGL when its graph gives the
      // detector's class heatmaps, else the audio-visual map.
      kind = guidance.isPresent() ? MapKind.AV_OBJ : MapKind.AV;
    }
    String prior = objectPriorName(manifest, guidance.isPresent());
    boolean useDetector = kind.needsObjectMap() && prior.equals(DetectorPrior.NAME);
    boolean ownObjects = kind.needsObjectMap() && prior.equals(ModelObjectPrior.NAME);
    double weight =
        alpha != null
            ? alpha
            : ownObjects ? guidance.orElseThrow().alpha() : ObjectGuidedLocalization.DEFAULT_ALPHA;
    Path detectorDir = detector.dir();
    if (!ownObjects) {
      checkObjectMapInputs(kind, useDetector, detectorDir);
    }
    if (!Files.isDirectory(data)) {
      throw usage("--data folder not found: " + data);
    }

    LoadedDataset testSet = Datasets.open(data, format);
    // ModelArtifact.load (above) refused a manifest whose preprocessing disagrees with its graph
    // or with this avloc.
    int imageSize = artifact.preprocessing().imageSize();
    Evaluation.Options options =
        Evaluation.Options.defaults(imageSize)
            .withMap(kind)
            .withUpsampling(upsampling)
            .withAlpha(weight)
            .withBatchSize(batch)
            .withOverlays(overlays)
            .withMaps(maps);

    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    out.printf(
        Locale.ROOT,
        "model      %s (method %s, preset %s, image %dx%d)%n",
        manifest.id(),
        manifest.method(),
        manifest.preset(),
        imageSize,
        imageSize);
    out.printf(
        Locale.ROOT,
        "data       %s (%s): %d clips%s%n",
        data,
        testSet.format(),
        testSet.samples().size(),
        testSet.warnings().isEmpty() ? "" : "; " + String.join("; ", testSet.warnings()));
    if (kind.needsObjectMap()) {
      out.printf(
          Locale.ROOT,
          "objects    %s%n",
          ownObjects
              ? "model (objectness of the class heatmaps in the model's graph, alpha "
                  + weight
                  + ")"
              : useDetector
                  ? "centernet (" + CenterNet.PACKAGE + " objectness, " + detectorDir + ")"
                  : "imagenet (frozen ResNet-18, " + imagenet + ")");
    }
    out.flush();

    EvalReport report;
    try (EngineMapPredictor predictor =
            new EngineMapPredictor(artifact, List.of(EngineKind.ONNXRUNTIME));
        ObjectPrior objects =
            !kind.needsObjectMap()
                ? null
                : ownObjects
                    ? new ModelObjectPrior()
                    : useDetector
                        ? DetectorPrior.load(detectorDir)
                        : ObjectBackbone.load(imagenet);
        PrintStream progress =
            new PrintStream(new WriterStream(err), true, StandardCharsets.UTF_8)) {
      report =
          new Evaluation(predictor, objects, options, artifact.preprocessing())
              .run(testSet.samples(), progress);
    }
    report(report, out);
    if (overlays != null) {
      out.printf(Locale.ROOT, "overlays   %s%n", overlays);
    }
    if (maps != null) {
      out.printf(Locale.ROOT, "maps       %s%n", maps);
    }
    out.flush();
    return 0;
  }

  /**
   * {@code --model} is the run folder of {@code avloc train --detector-trunk}: the frozen detector
   * (ONNX Runtime) and the trained head (PyTorch) in process, with the same protocol as an
   * artifact. Only the AV map: the detector is already the visual trunk.
   */
  private int evaluateDetectorHead(MapKind kind, Upsampling upsampling) throws Exception {
    if (kind != MapKind.AV) {
      throw usage("--model " + model + " is a detector head: only --map av is supported for it");
    }
    if (!Files.isDirectory(data)) {
      throw usage("--data folder not found: " + data);
    }
    Path detectorDir;
    try {
      detectorDir = detector.checkedDir();
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
    LoadedDataset testSet = Datasets.open(data, format);
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    EvalReport report;
    try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager();
        FrozenDetectorLocalizer net = DetectorHeads.load(model, detectorDir, manager);
        PrintStream progress =
            new PrintStream(new WriterStream(err), true, StandardCharsets.UTF_8)) {
      int imageSize = net.config().imageSize();
      out.printf(
          Locale.ROOT,
          "model      %s (detector head on %s at %dx%d, %s)%n",
          model,
          net.trunk().outputNode(),
          imageSize,
          imageSize,
          CenterNet.PACKAGE);
      out.printf(Locale.ROOT, "data       %s: %d clips%n", data, testSet.samples().size());
      out.flush();
      Evaluation.Options options =
          Evaluation.Options.defaults(imageSize)
              .withMap(kind)
              .withUpsampling(upsampling)
              .withBatchSize(batch)
              .withOverlays(overlays)
              .withMaps(maps);
      report =
          new Evaluation(TorchValidator.predictor(net, manager), null, options)
              .run(testSet.samples(), progress);
    }
    report(report, out);
    out.flush();
    return 0;
  }

  /** Prints the report and, with {@code --json}, writes it there. */
  private void report(EvalReport report, PrintWriter out) throws IOException {
    print(report, out);
    if (json != null) {
      Path parent = json.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Json.MAPPER.writer(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), report);
      out.printf(Locale.ROOT, "report     %s%n", json);
    }
  }

  private static void print(EvalReport r, PrintWriter out) {
    out.printf(
        Locale.ROOT,
        "map        %s%s, upsampled %s to 224x224%n",
        r.map(),
        r.alpha() == null ? "" : String.format(Locale.ROOT, " (alpha %.2f)", r.alpha()),
        r.upsample().equals("bilinear") ? "bilinear (align_corners=True)" : "bicubic");
    out.printf(
        Locale.ROOT,
        "N          %d clips with a visible source, %d without%n",
        r.n(),
        r.offscreen());
    out.printf(
        Locale.ROOT, "cIoU       %6.2f  (AP50: share of clips with cIoU >= 0.5)%n", 100 * r.ciou());
    out.printf(Locale.ROOT, "AUC        %6.2f%n", 100 * r.auc());
    out.printf(Locale.ROOT, "mean cIoU  %6.2f%n", 100 * r.meanCiou());
    out.printf(
        Locale.ROOT, "pointing   %6.2f  (peak inside the ground truth)%n", 100 * r.pointing());
    out.printf(
        Locale.ROOT,
        "oracle     %6.2f  (AP50 with the ground truth itself as the map; mean cIoU %.2f)%n",
        100 * r.oracleCiou(),
        100 * r.oracleMeanCiou());
    if (r.onscreenAp() == null) {
      out.printf(Locale.ROOT, "on/off-screen AP  n/a (no clip without a visible source)%n");
    } else {
      out.printf(
          Locale.ROOT,
          "on/off-screen AP %6.2f  (audio-visual score; %d on-screen vs %d without a visible"
              + " source)%n",
          100 * r.onscreenAp(),
          r.n(),
          r.offscreen());
    }
  }

  private ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }

  /** Bytes written to a {@link PrintStream} go to picocli's error writer, so tests see them. */
  private static final class WriterStream extends OutputStream {
    private final PrintWriter writer;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    WriterStream(PrintWriter writer) {
      this.writer = writer;
    }

    @Override
    public void write(int b) {
      pending.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      pending.write(b, off, len);
    }

    @Override
    public void flush() {
      writer.write(pending.toString(StandardCharsets.UTF_8));
      pending.reset();
      writer.flush();
    }

    @Override
    public void close() {
      flush();
    }
  }
}
