package io.avloc.cli;

import io.avloc.core.artifact.ModelArtifact;
import io.avloc.modelserver.engine.EngineAttempt;
import io.avloc.modelserver.engine.EngineKind;
import io.avloc.modelserver.engine.EngineOptions;
import io.avloc.modelserver.engine.Engines;
import io.avloc.modelserver.engine.NoEngineException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code avloc engines}: which inference engines work on this machine, and why the others not. */
@Command(
    name = "engines",
    mixinStandardHelpOptions = true,
    header = "Shows which inference engines work on this machine and why the others do not.",
    description =
        "Shows which inference engines work on this machine and why the others do not. "
            + "Without --model it checks each engine's runtime (native libraries, GPU, "
            + "execution providers); with --model it loads that model on each engine and runs "
            + "the warm-up.")
final class EnginesCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--model",
      paramLabel = "DIR",
      description = "a model artifact folder to load on each engine")
  Path model;

  @Option(
      names = "--engines",
      paramLabel = "LIST",
      defaultValue = "onnxruntime,tensorrt,onnxruntime-gpu,pytorch",
      description = "engines to check, in order (default: ${DEFAULT-VALUE})")
  String engines;

  @Option(
      names = "--max-batch",
      defaultValue = "8",
      description = "largest batch for warm-up and TensorRT's graphs (default: ${DEFAULT-VALUE})")
  int maxBatch;

  @Option(names = "--fp16", description = "let TensorRT build fp16 kernels")
  boolean fp16;

  @Override
  public Integer call() {
    List<EngineKind> order;
    try {
      order = EngineKind.parseOrder(engines);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--engines: " + e.getMessage());
    }
    if (maxBatch < 1) {
      throw new ParameterException(
          spec.commandLine(), "--max-batch must be at least 1, got " + maxBatch);
    }
    ModelArtifact artifact = model == null ? null : ModelArtifact.load(model);
    EngineOptions options = new EngineOptions(fp16, maxBatch, true);

    List<EngineAttempt> attempts = new ArrayList<>();
    for (EngineKind kind : order) {
      attempts.add(artifact == null ? Engines.check(kind) : tryModel(artifact, kind, options));
    }

    PrintWriter w = spec.commandLine().getOut();
    w.println(
        artifact == null
            ? "engine runtimes on this machine (add --model DIR to load a model on each):"
            : "model " + artifact.manifest().id() + " from " + model + " on each engine:");
    w.printf("%-16s %-6s %10s  %s%n", "engine", "works", "time", "why not");
    for (EngineAttempt a : attempts) {
      w.printf(
          "%-16s %-6s %7d ms  %s%n",
          a.kind().id(), a.ok() ? "yes" : "no", a.loadTime().toMillis(), a.reason());
    }
    Optional<EngineAttempt> first = attempts.stream().filter(EngineAttempt::ok).findFirst();
    if (first.isPresent()) {
      w.printf(
          "with the order %s, avloc runs on %s%n", EngineKind.ids(order), first.get().kind().id());
    } else {
      w.printf("none of %s works here%n", EngineKind.ids(order));
    }
    w.flush();
    return first.isPresent() ? 0 : 1;
  }

  private static EngineAttempt tryModel(
      ModelArtifact artifact, EngineKind kind, EngineOptions options) {
    try {
      var selection = Engines.load(artifact, List.of(kind), options);
      selection.engine().close();
      return selection.attempts().get(0);
    } catch (NoEngineException e) {
      return e.attempts().get(0);
    }
  }
}
