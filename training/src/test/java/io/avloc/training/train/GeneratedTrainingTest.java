package io.avloc.training.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.avloc.core.artifact.ModelArtifact;
import io.avloc.core.artifact.ModelManifest;
import io.avloc.core.model.Preset;
import io.avloc.training.loss.TrainingMethod;
import io.avloc.training.synth.FakeAssets;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code avloc train --data-format generate:N}: training on clips composed on the fly. */
class GeneratedTrainingTest {

  @TempDir Path tmp;

  private TrainOptions options(Path assets, Path out, String format, boolean resume) {
    TrainOptions d = TrainOptions.defaults(TrainingMethod.EZVSL, assets, Preset.LITE, out);
    return new TrainOptions(
        TrainingMethod.EZVSL,
        assets,
        format,
        Preset.LITE,
        out,
        1,
        4,
        1e-3f,
        null,
        d.margin(),
        d.fnacWeight(),
        0,
        3,
        null,
        "auto",
        resume,
        2,
        null,
        null,
        "v1",
        "avloc train --data-format " + format);
  }

  @Test
  void trainsOnComposedClipsAndExportsAnArtifactTheEngineLoads() throws IOException {
    Path assets = tmp.resolve("assets");
    FakeAssets.create(assets);
    Path out = tmp.resolve("run");
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    Trainer trainer =
        new Trainer(
            options(assets, out, "generate:8", false),
            new PrintStream(console, true),
            (net, manager, clips) -> Map.of());

    Trainer.Result result = trainer.run();

    assertThat(result.interrupted()).isFalse();
    assertThat(result.history()).hasSize(1);
    assertThat(result.history().get(0).samples()).isEqualTo(8); // 2 steps of 4 composed clips
    assertThat(result.history().get(0).loss().get("loss")).isFinite().isPositive();
    // ModelArtifact.load is what the streams app and avloc serve call: it checks the manifest
    // against the files' hashes and parses the graph.
    ModelManifest manifest = ModelArtifact.load(out).manifest();
    assertThat(manifest.method()).isEqualTo("ezvsl");
    assertThat(manifest.training())
        .containsEntry("dataFormat", "generate:8")
        .containsEntry("data_format", "generate:8")
        .containsEntry("clips", 8);
    assertThat(Files.isRegularFile(out.resolve(ModelArtifact.ONNX))).isTrue();
    assertThat(console.toString()).contains("composed on the fly").contains("8 clips per epoch");
  }

  @Test
  void aResumeWithAnotherGeneratorIsRefusedAndABadFormatIsNamed() throws IOException {
    Path assets = tmp.resolve("assets");
    FakeAssets.create(assets);
    Path out = tmp.resolve("run");
    Trainer first =
        new Trainer(
            options(assets, out, "generate:8", false),
            new PrintStream(new ByteArrayOutputStream(), true),
            (net, manager, clips) -> Map.of());
    first.stopAfterSteps(1);
    assertThat(first.run().interrupted()).isTrue();

    Trainer other =
        new Trainer(
            options(assets, out, "generate:12", true),
            new PrintStream(new ByteArrayOutputStream(), true),
            (net, manager, clips) -> Map.of());
    assertThatThrownBy(other::run)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("data_format");

    assertThatThrownBy(() -> options(assets, out, "generate:lots", false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("generate:N");
    assertThatThrownBy(() -> options(assets, out, "generate:8:tones", false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("class-tones");
  }

  @Test
  void theClassToneDiagnosticIsAGeneratedFormatWithItsOwnFingerprint() throws IOException {
    Path assets = tmp.resolve("assets");
    FakeAssets.create(assets);
    Path out = tmp.resolve("run");
    TrainOptions tones = options(assets, out, "generate:8:class-tones", false);
    assertThat(tones.generated()).isTrue();
    assertThat(tones.classTones()).isTrue();
    assertThat(tones.generatedClipsPerEpoch()).isEqualTo(8);
    assertThat(options(assets, out, "generate:class-tones", false).generatedClipsPerEpoch())
        .isEqualTo(TrainOptions.DEFAULT_GENERATED_CLIPS);
    assertThat(options(assets, out, "generate:8", false).classTones()).isFalse();
    assertThat(tones.fingerprint()).containsEntry("data_format", "generate:8:class-tones");

    ByteArrayOutputStream console = new ByteArrayOutputStream();
    Trainer trainer =
        new Trainer(tones, new PrintStream(console, true), (net, manager, clips) -> Map.of());
    trainer.stopAfterSteps(1);
    assertThat(trainer.run().interrupted()).isTrue();
    assertThat(console.toString(StandardCharsets.UTF_8)).contains("DIAGNOSTIC", "class's tone");
  }
}
