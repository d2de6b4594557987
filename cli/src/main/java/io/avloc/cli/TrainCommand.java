package io.avloc.cli;

import io.avloc.core.model.Preset;
import io.avloc.training.eval.TorchValidator;
import io.avloc.training.loss.FnacLoss;
import io.avloc.training.loss.MarginNceLoss;
import io.avloc.training.loss.TrainingMethod;
import io.avloc.training.train.DetectorHeads;
import io.avloc.training.train.DetectorTrunk;
import io.avloc.training.train.TrainOptions;
import io.avloc.training.train.Trainer;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code avloc train}: self-supervised training with EZ-VSL, MarginNCE or FNAC. */
@Command(
    name = "train",
    header = "Trains the localization network with EZ-VSL, MarginNCE or FNAC.",
    description =
        "Trains the localization network on unlabeled audio-visual clips with EZ-VSL, "
            + "MarginNCE or FNAC (DJL, PyTorch engine), validates every epoch on --val, "
            + "checkpoints every epoch (Ctrl-C leaves a resumable one) and writes the best "
            + "epoch as a model artifact in --out, with train-log.jsonl and curves.png beside "
            + "it.")
final class TrainCommand implements Callable<Integer> {
  // Its own --version (the model version) hides picocli's standard one, and with it the standard
  @Mixin HelpOption help;

  @Spec CommandSpec spec;

  @Option(names = "--method", required = true, description = "ezvsl, marginnce or fnac")
  String method;

  @Option(
      names = "--data",
      required = true,
      paramLabel = "DIR",
      description =
          "training clips, or with --data-format generate the asset cache of"
              + " training/fetch-benchmark-assets.sh")
  Path data;

  @Option(
      names = "--data-format",
      defaultValue = "auto",
      description =
          "layout of --data: auto, vggss, flickr, folder or video; or generate[:N] to compose N"
              + " new clips per epoch (default 2000) from the train media in --data (default: auto);"
              + " generate[:N]:class-tones is a diagnostic that replaces every sound by a tone"
              + " per class")
  String dataFormat;

  @Option(
      names = "--preset",
      defaultValue = "lite",
      description = "network preset: lite (CPU) or paper (default: ${DEFAULT-VALUE})")
  String preset;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "MODELDIR",
      description = "run folder: checkpoints, logs, curves, then the model")
  Path out;

  @Option(names = "--epochs", defaultValue = "20", description = "default: ${DEFAULT-VALUE}")
  int epochs;

  @Option(names = "--batch", defaultValue = "64", description = "default: ${DEFAULT-VALUE}")
  int batch;

  @Option(
      names = "--lr",
      defaultValue = "1e-4",
      description = "Adam's constant learning rate (default: ${DEFAULT-VALUE})")
  float lr;

  @Option(
      names = "--weight-decay",
      description = "L2 weight decay (default: 0 for ezvsl/marginnce, 1e-4 for fnac)")
  Float weightDecay;

  @Option(
      names = "--margin",
      defaultValue = "" + MarginNceLoss.DEFAULT_MARGIN,
      description = "MarginNCE margin m (default: ${DEFAULT-VALUE})")
  float margin;

  @Option(
      names = "--fnac-weight",
      defaultValue = "" + FnacLoss.DEFAULT_WEIGHT,
      description = "weight of each FNAC regularizer (default: ${DEFAULT-VALUE})")
  float fnacWeight;

  @Option(
      names = "--image-level-weight",
      defaultValue = "0",
      description =
          "weight of an extra image-level contrastive term on each picture's mean feature"
              + " (avloc's addition, docs/methods.md §3.4; default 0: the method as published)")
  float imageLevelWeight;

  @Option(
      names = "--temperature",
      paramLabel = "TAU",
      description =
          "contrastive temperature τ, in (0, 1] (default: the preset's, 0.03 as in the three"
              + " papers)")
  Float temperature;

  @Option(
      names = "--warmup",
      defaultValue = "" + FnacLoss.DEFAULT_WARMUP,
      description = "FNAC epochs with the contrastive term only (default: ${DEFAULT-VALUE})")
  int warmup;

  @Option(names = "--seed", defaultValue = "42", description = "default: ${DEFAULT-VALUE}")
  long seed;

  @Option(names = "--val", paramLabel = "DIR", description = "annotated validation clips")
  Path val;

  @Option(
      names = "--val-format",
      defaultValue = "auto",
      description = "layout of --val: auto, vggss or flickr (default: auto)")
  String valFormat;

  @Option(names = "--resume", description = "continue the run in --out from its checkpoint")
  boolean resume;

  @Option(
      names = "--workers",
      defaultValue = "2",
      description = "data-loading threads (default: ${DEFAULT-VALUE})")
  int workers;

  @Option(
      names = "--imagenet",
      paramLabel = "NPZ",
      description =
          "torchvision ResNet-18 weights for the visual trunk, paper preset"
              + " (tools/export_torchvision_resnet18.py)")
  Path imagenet;

  @Option(
      names = "--detector-trunk",
      paramLabel = DetectorTrunk.USAGE,
      description =
          "visual trunk: the frozen COCO CenterNet at SIZE px (a multiple of 32) on ONNX Runtime,"
              + " cut at its head features (stride 16, 256 ch; default), trunk features"
              + " (stride 32, 120 ch) or class heatmaps (stride 4, 80 ch); trains a"
              + " DetectorHeadLocalizer on them. Options: nopad (no mirrored margin), centre"
              + " (subtract each picture's mean feature), raw (no per-position L2 of the"
              + " features; for classes), audiobn (a batch norm over the pooled audio features)."
              + " E.g. "
              + DetectorTrunk.DEFAULT_SPEC)
  String detectorTrunk;

  @Mixin DetectorFolderOption detector;

  @Option(names = "--name", description = "model name (default: <method>-<preset>)")
  String name;

  @Option(names = "--version", description = "model version (default: the start time)")
  String version;

  @Override
  public Integer call() throws Exception {
    TrainingMethod m = parse(() -> TrainingMethod.parse(method), "--method");
    Preset p = parse(() -> Preset.of(preset), "--preset");
    if (!Files.isDirectory(data)) {
      throw usage("--data folder not found: " + data);
    }
    if (val != null && !Files.isDirectory(val)) {
      throw usage("--val folder not found: " + val);
    }
    if (imagenet != null && !Files.isRegularFile(imagenet)) {
      throw usage("--imagenet file not found: " + imagenet);
    }
    TrainOptions options;
    try {
      options =
          new TrainOptions(
              m,
              data,
              dataFormat,
              p,
              out,
              epochs,
              batch,
              lr,
              weightDecay,
              margin,
              fnacWeight,
              warmup,
              seed,
              val,
              valFormat,
              resume,
              workers,
              imagenet,
              name,
              version,
              "avloc " + String.join(" ", spec.commandLine().getParseResult().originalArgs()));
      options = options.withImageLevelWeight(imageLevelWeight).withTemperature(temperature);
      if (detectorTrunk != null) {
        // names the fetch script when the detector is missing
        options =
            options.withDetectorTrunk(DetectorTrunk.parse(detector.checkedDir(), detectorTrunk));
      }
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
    Trainer trainer = new Trainer(options, System.err, new TorchValidator());
    CountDownLatch finished = new CountDownLatch(1);
    // Ctrl-C: finish the current step, write a resumable checkpoint, then let the JVM exit.
    Thread hook =
        new Thread(
            () -> {
              trainer.requestStop();
              try {
                finished.await(5, TimeUnit.MINUTES);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "avloc-train-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    Trainer.Result result;
    try {
      result = trainer.run();
    } finally {
      finished.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the JVM is already exiting (Ctrl-C); the hook is running and now returns
      }
    }
    PrintWriter w = spec.commandLine().getOut();
    if (result.interrupted()) {
      w.println("interrupted; resumable checkpoint in " + out.resolve("checkpoints/last"));
      w.flush();
      return 130;
    }
    w.printf(
        "trained %s: best epoch %d of %d; model, train-log.jsonl and curves.png in %s%n",
        result.artifact() == null
            ? "a detector head (" + DetectorHeads.PARAMS + ", " + DetectorHeads.DESCRIPTION + ")"
            : result.artifact().manifest().id(),
        result.bestEpoch(),
        result.history().size(),
        out.toAbsolutePath());
    w.flush();
    return 0;
  }

  private <T> T parse(java.util.function.Supplier<T> parser, String flag) {
    try {
      return parser.get();
    } catch (IllegalArgumentException e) {
      throw usage(flag + ": " + e.getMessage());
    }
  }

  private ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }
}
