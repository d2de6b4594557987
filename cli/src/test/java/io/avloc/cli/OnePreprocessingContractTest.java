package io.avloc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import io.avloc.core.artifact.ModelArtifact;
import io.avloc.core.artifact.ModelExporter;
import io.avloc.core.artifact.PreprocessingContract;
import io.avloc.core.model.Preset;
import io.avloc.modelserver.BatchModel;
import io.avloc.modelserver.PairInference;
import io.avloc.modelserver.engine.EngineKind;
import io.avloc.modelserver.engine.EngineOptions;
import io.avloc.modelserver.engine.Engines;
import io.avloc.streams.inference.EmbeddedLocalizer;
import io.avloc.training.data.SampleCache;
import io.avloc.training.eval.Evaluation;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training, {@code avloc eval}, the streams app and {@code avloc serve} feed a model through one
 * preprocessing contract, the one its manifest defines: each path's contract is the very object
 * {@link ModelArtifact#preprocessing()} gives, and no production class outside the contract builds
 * the image or audio preprocessing of a network itself.
 */
class OnePreprocessingContractTest {

  /** Constructors of the preprocessing primitives; only the contract may call them. */
  private static final Pattern OWN_PREPROCESSING =
      Pattern.compile(
          "new\\s+(ImagePreprocessor|AudioPreprocessor|Spectrogram|ImageNormalizer)\\s*\\(");

  /** Where they may be called: the contract, and the primitives' own defaults. */
  private static final List<String> ALLOWED =
      List.of(
          "core/src/main/java/io/avloc/core/artifact/PreprocessingContract.java",
          "core/src/main/java/io/avloc/core/audio/AudioPreprocessor.java",
          "core/src/main/java/io/avloc/core/image/ImageNormalizer.java");

  @TempDir Path tmp;

  @Test
  void trainEvalStreamsAndServeUseTheManifestsContractObject() throws Exception {
    Engine.getEngine("OnnxRuntime");
    Path dir = tmp.resolve("m");
    ModelExporter.exportUntrained(
        Preset.LITE, ModelExporter.Description.untrained("contract", "1", 4), 4, dir);
    ModelArtifact artifact = ModelArtifact.load(dir);
    PreprocessingContract contract = artifact.preprocessing();
    int size = contract.imageSize();

    // Training: the batch loader's cache, for training and for validation clips.
    assertThat(new SampleCache(size, true).preprocessing()).isSameAs(contract);
    assertThat(new SampleCache(size, false).preprocessing()).isSameAs(contract);
    // Evaluation: the trainer's validation and avloc eval (over Engines.load).
    assertThat(
            new Evaluation((i, s, n, f) -> null, null, Evaluation.Options.defaults(size))
                .preprocessing())
        .isSameAs(contract);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (EngineMapPredictor eval =
            new EngineMapPredictor(ModelArtifact.load(dir), List.of(EngineKind.ONNXRUNTIME));
        BatchModel model =
            BatchModel.of(
                Engines.load(
                        ModelArtifact.load(dir),
                        List.of(EngineKind.ONNXRUNTIME),
                        EngineOptions.DEFAULTS.withWarmup(false))
                    .engine())) {
      assertThat(
              new Evaluation(
                      eval,
                      null,
                      Evaluation.Options.defaults(size),
                      ModelArtifact.load(dir).preprocessing())
                  .preprocessing())
          .isSameAs(contract);
      assertThat(PreprocessingContract.of(eval.engine().manifest())).isSameAs(contract);
      // Serve and the streams app's embedded inference.
      assertThat(new PairInference(model, 4, registry, () -> 0L).preprocessing())
          .isSameAs(contract);
      assertThat(new EmbeddedLocalizer(model, 4, registry, () -> 0L).preprocessing())
          .isSameAs(contract);
    }
  }

  @Test
  void noProductionClassBuildsItsOwnPreprocessing() throws IOException {
    Path root = Path.of("").toAbsolutePath().getParent();
    List<String> offenders = new ArrayList<>();
    int scanned = 0;
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f :
          files
              .filter(p -> p.toString().endsWith(".java"))
              .filter(p -> root.relativize(p).toString().matches("[^/]+/src/main/java/.*"))
              .toList()) {
        scanned++;
        String rel = root.relativize(f).toString();
        if (ALLOWED.contains(rel)) {
          continue;
        }
        Matcher m = OWN_PREPROCESSING.matcher(Files.readString(f));
        while (m.find()) {
          offenders.add(rel + ": " + m.group());
        }
      }
    }
    assertThat(scanned).as("main sources scanned").isGreaterThan(200);
    assertThat(offenders)
        .as("use PreprocessingContract (ModelArtifact.preprocessing() or .standard(size))")
        .isEmpty();
  }
}
