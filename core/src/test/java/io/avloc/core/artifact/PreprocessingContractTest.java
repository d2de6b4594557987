package io.avloc.core.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.avloc.core.serde.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PreprocessingContractTest {

  @TempDir Path tmp;

  /** A valid artifact (graph 128 × 128, dynamic T), its manifest then edited by {@code edit}. */
  private Path artifactWithEditedManifest(Consumer<ObjectNode> edit) throws IOException {
    Path src = Files.createDirectories(tmp.resolve("src"));
    Path onnx = ModelArtifactTest.onnxDeclaring(src.resolve("model.onnx"), 128);
    Path params = Files.write(src.resolve("model.params"), new byte[] {1, 2, 3, 4});
    Path dir = tmp.resolve("model");
    ModelArtifact.write(
        dir, ModelArtifactTest.manifest(128), Map.of("model.onnx", onnx, "model.params", params));
    Path file = dir.resolve(ModelArtifact.MANIFEST);
    ObjectNode manifest = (ObjectNode) Json.MAPPER.readTree(file.toFile());
    edit.accept(manifest);
    Json.MAPPER.writeValue(file.toFile(), manifest);
    return dir;
  }

  private static ObjectNode audio(ObjectNode m) {
    return (ObjectNode) m.get("preprocessing").get("audio");
  }

  @Test
  void oneContractPerSetOfConstantsSharedByEveryCaller() throws IOException {
    Path dir = artifactWithEditedManifest(m -> {});

    PreprocessingContract fromArtifact = ModelArtifact.load(dir).preprocessing();

    assertThat(fromArtifact).isSameAs(ModelArtifact.load(dir).preprocessing());
    assertThat(fromArtifact).isSameAs(PreprocessingContract.standard(128));
    assertThat(fromArtifact).isSameAs(PreprocessingContract.of(ModelArtifactTest.manifest(128)));
    assertThat(fromArtifact.imageSize()).isEqualTo(128);
    assertThat(fromArtifact.frames()).isEqualTo(200);
    assertThat(fromArtifact.windowSamples()).isEqualTo(48_000);
    assertThat(fromArtifact.window()).isEqualTo(Duration.ofSeconds(3));
    assertThat(fromArtifact.images().size()).isEqualTo(128);
    assertThat(PreprocessingContract.standard(160)).isNotSameAs(fromArtifact);
  }

  @Test
  void anImageSizeThatDisagreesWithTheGraphIsRefusedAtLoad() throws IOException {
    Path dir =
        artifactWithEditedManifest(
            m -> ((ObjectNode) m.get("preprocessing").get("image")).put("size", 160));

    assertThatThrownBy(() -> ModelArtifact.load(dir))
        .isInstanceOf(InvalidArtifactException.class)
        .hasMessageContaining(dir.resolve(ModelArtifact.MANIFEST).toString())
        .hasMessageContaining("preprocessing.image.size is 160")
        .hasMessageContaining("the graph's image input is [N,3,128,128]")
        .hasMessageContaining("re-export");
  }

  @Test
  void aSpectrogramShapeThatDisagreesWithTheGraphIsRefused() {
    ModelManifest m = ModelArtifactTest.manifest(128);
    ModelManifest fixedT =
        new ModelManifest(
            m.formatVersion(),
            m.name(),
            m.version(),
            m.method(),
            m.preset(),
            m.createdAt(),
            Map.of(
                "image", TensorSpec.of("N", 3, 128, 128),
                "spectrogram", TensorSpec.of("N", 1, 257, 150)),
            m.outputs(),
            m.network(),
            m.preprocessing(),
            m.training(),
            m.metrics(),
            m.deviations(),
            m.files());

    assertThatThrownBy(() -> PreprocessingContract.of(fixedT))
        .isInstanceOf(InvalidArtifactException.class)
        .hasMessageContaining("spectrogram input is [N,1,257,150]")
        .hasMessageContaining("[N,1,257,200]");
  }

  @Test
  void aWindowThatDoesNotGiveTheRecordedFramesIsRefused() throws IOException {
    Path dir = artifactWithEditedManifest(m -> audio(m).put("windowSeconds", 2.0));

    assertThatThrownBy(() -> ModelArtifact.load(dir))
        .isInstanceOf(InvalidArtifactException.class)
        .hasMessageContaining("audio.frames is 200 but a 2.0 s window gives 133");
  }

  @Test
  void anInvalidWindowIsRefused() throws IOException {
    for (double seconds : new double[] {0, -3, 1e9}) {
      Path dir = artifactWithEditedManifest(m -> audio(m).put("windowSeconds", seconds));
      assertThatThrownBy(() -> ModelArtifact.load(dir))
          .isInstanceOf(InvalidArtifactException.class)
          .hasMessageContaining("audio.windowSeconds is " + seconds);
    }
    Path tooShort =
        artifactWithEditedManifest(m -> audio(m).put("windowSeconds", 0.01).put("frames", 0));
    assertThatThrownBy(() -> ModelArtifact.load(tooShort))
        .isInstanceOf(InvalidArtifactException.class)
        .hasMessageContaining("shorter than one spectrogram segment");
  }

  @Test
  void anotherWindowWithItsFramesIsHonoured() throws IOException {
    Path dir =
        artifactWithEditedManifest(m -> audio(m).put("windowSeconds", 2.0).put("frames", 133));

    PreprocessingContract c = ModelArtifact.load(dir).preprocessing();

    assertThat(c.window()).isEqualTo(Duration.ofSeconds(2));
    assertThat(c.windowSamples()).isEqualTo(32_000);
    assertThat(c.frames()).isEqualTo(133);
    assertThat(c.audio().windowSeconds()).isEqualTo(2.0);
  }

  @Test
  void constantsThisAvlocDoesNotImplementAreRefused() throws IOException {
    Path otherMean =
        artifactWithEditedManifest(
            m ->
                ((ObjectNode) m.get("preprocessing").get("image"))
                    .putArray("mean")
                    .add(0.5)
                    .add(0.5)
                    .add(0.5));
    assertThatThrownBy(() -> ModelArtifact.load(otherMean))
        .isInstanceOf(InvalidArtifactException.class)
        .hasMessageContaining("image constants")
        .hasMessageContaining("differ from avloc's");

    Path otherHop = artifactWithEditedManifest(m -> audio(m).put("noverlap", 256));
    assertThatThrownBy(() -> ModelArtifact.load(otherHop))
        .isInstanceOf(InvalidArtifactException.class)
        .hasMessageContaining("audio spectrogram constants");
  }
}
