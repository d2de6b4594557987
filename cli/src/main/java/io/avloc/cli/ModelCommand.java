package io.avloc.cli;

import com.fasterxml.jackson.databind.SerializationFeature;
import io.avloc.core.artifact.ModelArtifact;
import io.avloc.core.artifact.ModelExporter;
import io.avloc.core.artifact.ModelManifest;
import io.avloc.core.model.ImageNetWeights;
import io.avloc.core.model.Preset;
import io.avloc.core.serde.Json;
import io.avloc.training.train.DetectorHeads;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code avloc model}: create and inspect model artifacts. */
@Command(
    name = "model",
    mixinStandardHelpOptions = true,
    header = "Creates and inspects model artifacts (manifest.json + model.onnx + model.params).",
    subcommands = {ModelCommand.Init.class, ModelCommand.Export.class, ModelCommand.Inspect.class})
final class ModelCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code avloc model init}: an untrained network exported as a verified artifact. */
  @Command(
      name = "init",
      header = "Exports a freshly initialised network as a model artifact.",
      description =
          "Exports a freshly initialised AvLocalizer as a model artifact: parameters "
              + "initialised as in the papers (seeded), optionally with ImageNet weights for "
              + "the visual trunk. It localizes nothing useful until trained; use it to "
              + "exercise the pipeline.")
  static final class Init implements Callable<Integer> {
    // Its own --version (the model version) hides picocli's standard one, and with it the standard
    @Mixin HelpOption help;

    @Spec CommandSpec spec;

    @Option(
        names = "--preset",
        defaultValue = "lite",
        description = "network preset: paper or lite (default: ${DEFAULT-VALUE})")
    String preset;

    @Mixin OutputFolderOption output;

    @Option(names = "--name", description = "model name (default: <preset>-random)")
    String name;

    @Option(
        names = "--version",
        defaultValue = "0",
        description = "model version (default: ${DEFAULT-VALUE})")
    String version;

    @Option(
        names = "--seed",
        defaultValue = "1",
        description = "random seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(
        names = "--imagenet",
        paramLabel = "NPZ",
        description =
            "torchvision ResNet-18 weights for the visual trunk (tools/export_torchvision_resnet18.py)")
    Path imagenet;

    @Option(
        names = "--fixed-batches",
        split = ",",
        defaultValue = "1,8",
        description =
            "batch sizes of the fixed-shape ONNX graphs for TensorRT (default: ${DEFAULT-VALUE})")
    List<Integer> fixedBatches;

    @Option(names = "--force", description = "replace an existing artifact in --out")
    boolean force;

    @Override
    public Integer call() throws Exception {
      Preset p;
      try {
        p = Preset.of(preset);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(
            spec.commandLine(), "--preset must be paper or lite, got '" + preset + "'");
      }
      if (Files.exists(output.out.resolve(ModelArtifact.MANIFEST)) && !force) {
        throw new ParameterException(
            spec.commandLine(), output.out + " already holds a model; pass --force to replace it");
      }
      if (imagenet != null && !Files.isRegularFile(imagenet)) {
        throw new ParameterException(spec.commandLine(), "--imagenet file not found: " + imagenet);
      }
      String modelName = name == null ? p.name().toLowerCase() + "-random" : name;
      List<String> deviations = new ArrayList<>();
      if (imagenet == null) {
        deviations.add("visual trunk randomly initialised (no ImageNet weights supplied)");
      }
      ModelExporter.Description d =
          new ModelExporter.Description(
              modelName,
              version,
              "random",
              Map.of(
                  "data",
                  "none (untrained)",
                  "seed",
                  seed,
                  "imagenet",
                  imagenet == null ? "none" : imagenet.toAbsolutePath().toString()),
              Map.of(),
              deviations,
              fixedBatches);
      ModelArtifact artifact =
          ModelExporter.exportUntrained(
              p,
              d,
              seed,
              output.out,
              net -> {
                if (imagenet != null) {
                  try {
                    ImageNetWeights.load(net.visualTrunk(), imagenet);
                  } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                  }
                }
              });
      PrintWriter w = spec.commandLine().getOut();
      w.printf("wrote %s to %s%n", artifact.manifest().id(), output.out.toAbsolutePath());
      Inspect.summary(artifact, w);
      w.flush();
      return 0;
    }
  }

  /** {@code avloc model export}: a trained detector head as a model artifact. */
  @Command(
      name = "export",
      mixinStandardHelpOptions = true,
      header = "Exports the head of a --detector-trunk training run as a model artifact.",
      description =
          "Exports the trained head of an `avloc train --detector-trunk` run (head.json +"
              + " head.params, the run's best epoch) with the detector in front of it as a model"
              + " artifact, as the trainer's own export does with this version of avloc: e.g. to"
              + " give an older run's model the detector's class heatmaps as an output, which"
              + " makes its heatmaps object-guided and labels its boxes.")
  static final class Export implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--head",
        required = true,
        paramLabel = "DIR",
        description = "the training run's folder (head.json, head.params)")
    Path head;

    @Mixin OutputFolderOption output;

    @Mixin DetectorFolderOption detector;

    @Option(
        names = "--without-object-prior",
        description =
            "leave the detector's class heatmaps out of the graph: the pipeline then serves the"
                + " audio-visual map with unlabelled boxes, about 1.3x cheaper per pair"
                + " (docs/benchmarks.md)")
    boolean withoutObjectPrior;

    @Option(names = "--force", description = "replace an existing artifact in --out")
    boolean force;

    @Override
    public Integer call() throws Exception {
      if (!DetectorHeads.isHead(head)) {
        throw new ParameterException(
            spec.commandLine(),
            "--head "
                + head
                + " holds no trained detector head ("
                + DetectorHeads.DESCRIPTION
                + " and "
                + DetectorHeads.PARAMS
                + "); pass the --out folder of an avloc train --detector-trunk run");
      }
      if (Files.exists(output.out.resolve(ModelArtifact.MANIFEST)) && !force) {
        throw new ParameterException(
            spec.commandLine(), output.out + " already holds a model; pass --force to replace it");
      }
      Path detectorDir;
      try {
        detectorDir = detector.checkedDir();
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), "--detector: " + e.getMessage());
      }
      ModelArtifact artifact =
          DetectorHeads.export(head, detectorDir, output.out, !withoutObjectPrior);
      PrintWriter w = spec.commandLine().getOut();
      w.printf("wrote %s to %s%n", artifact.manifest().id(), output.out.toAbsolutePath());
      Inspect.summary(artifact, w);
      w.flush();
      return 0;
    }
  }

  /** {@code avloc model inspect}: verify an artifact and show what it is. */
  @Command(
      name = "inspect",
      mixinStandardHelpOptions = true,
      header = "Verifies a model artifact and prints its manifest.",
      description =
          "Verifies a model artifact (files, checksums, graph shapes) and prints its "
              + "manifest.")
  static final class Inspect implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "DIR", description = "the model folder")
    Path dir;

    @Option(names = "--json", description = "print the whole manifest as JSON")
    boolean json;

    @Override
    public Integer call() throws Exception {
      ModelArtifact artifact = ModelArtifact.load(dir);
      PrintWriter w = spec.commandLine().getOut();
      if (json) {
        w.println(
            Json.MAPPER
                .writer(SerializationFeature.INDENT_OUTPUT)
                .writeValueAsString(artifact.manifest()));
      } else {
        w.printf(
            "%s: verified (%d files, checksums and graph shapes match)%n",
            dir, artifact.manifest().files().size());
        summary(artifact, w);
      }
      w.flush();
      return 0;
    }

    static void summary(ModelArtifact artifact, PrintWriter w) {
      ModelManifest m = artifact.manifest();
      w.printf(
          "model      %s (method %s, preset %s, created %s)%n",
          m.id(), m.method(), m.preset(), m.createdAt());
      m.inputs().forEach((k, v) -> w.printf("input      %-12s %s%n", k, v));
      m.outputs().forEach((k, v) -> w.printf("output     %-12s %s%n", k, v));
      w.printf(
          "audio      %d Hz, %.1f s window, spectrogram 257x%d%n",
          m.preprocessing().audio().sampleRate(),
          m.preprocessing().audio().windowSeconds(),
          m.preprocessing().audio().frames());
      w.printf(
          "image      %dx%d, %s, %s%n",
          m.preprocessing().image().size(),
          m.preprocessing().image().size(),
          m.preprocessing().image().resize(),
          m.preprocessing().image().interpolation());
      m.files()
          .forEach(
              (k, v) ->
                  w.printf("file       %-14s %,12d bytes  sha256 %s%n", k, v.bytes(), v.sha256()));
      m.metrics().forEach((k, v) -> w.printf("metric     %-20s %.2f%n", k, v));
      m.deviations().forEach(dv -> w.printf("deviation  %s%n", dv));
    }
  }
}
