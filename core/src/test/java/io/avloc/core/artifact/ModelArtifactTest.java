package io.avloc.core.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelArtifactTest {

  @TempDir Path tmp;

  static ModelManifest manifest(int imageSize) {
    return new ModelManifest(
        ModelManifest.FORMAT_VERSION,
        "ezvsl-lite",
        "3",
        "ezvsl",
        "lite",
        "2026-11-21T00:00:00Z",
        Map.of(
            "image", TensorSpec.of("N", 3, imageSize, imageSize),
            "spectrogram", TensorSpec.of("N", 1, 257, "T")),
        Map.of("simmap", TensorSpec.of("N", imageSize / 32, imageSize / 32)),
        Map.of("embedding", 128, "tau", 0.03),
        Preprocessing.standard(imageSize),
        Map.of("data", "synthetic-train", "seed", 7),
        Map.of("synthetic.ciou", 41.5),
        List.of("audio resampled to 16 kHz"),
        null);
  }

  /** A graph that declares the promised interface; the loader reads declarations only. */
  static Path onnxDeclaring(Path file, int imageSize) throws IOException {
    OnnxMl.GraphProto graph =
        OnnxMl.GraphProto.newBuilder()
            .setName("test")
            .addInput(value("image", "N", 3, imageSize, imageSize))
            .addInput(value("spectrogram", "N", 1, 257, "T"))
            .addOutput(value("simmap", "N", imageSize / 32, imageSize / 32))
            .build();
    OnnxMl.ModelProto model =
        OnnxMl.ModelProto.newBuilder()
            .setIrVersion(7)
            .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setVersion(13))
            .setGraph(graph)
            .build();
    Files.write(file, model.toByteArray());
    return file;
  }

  private static OnnxMl.ValueInfoProto value(String name, Object... dims) {
    OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
    for (Object d : dims) {
      OnnxMl.TensorShapeProto.Dimension.Builder b = OnnxMl.TensorShapeProto.Dimension.newBuilder();
      if (d instanceof Integer i) {
        b.setDimValue(i);
      } else {
        b.setDimParam((String) d);
      }
      shape.addDim(b);
    }
    return OnnxMl.ValueInfoProto.newBuilder()
        .setName(name)
        .setType(
            OnnxMl.TypeProto.newBuilder()
                .setTensorType(
                    OnnxMl.TypeProto.Tensor.newBuilder()
                        .setElemType(OnnxMl.TensorProto.DataType.FLOAT.getNumber())
                        .setShape(shape)))
        .build();
  }

  private ModelArtifact writeValid(Path dir) throws IOException {
    Path src = Files.createDirectories(tmp.resolve("src"));
    Path onnx = onnxDeclaring(src.resolve("model.onnx"), 128);
    Path params = Files.write(src.resolve("model.params"), new byte[] {1, 2, 3, 4});
    return ModelArtifact.write(
        dir, manifest(128), Map.of("model.onnx", onnx, "model.params", params));
  }

  @Test
  void aWrittenArtifactLoadsWithItsManifest() throws IOException {
    Path dir = tmp.resolve("model");
    writeValid(dir);

    ModelArtifact loaded = ModelArtifact.load(dir);

    assertThat(loaded.manifest().id()).isEqualTo("ezvsl-lite@3");
    assertThat(loaded.manifest().files()).containsOnlyKeys("model.onnx", "model.params");
    assertThat(loaded.manifest().files().get("model.params").bytes()).isEqualTo(4);
    assertThat(loaded.manifest().inputs().get("spectrogram"))
        .isEqualTo(TensorSpec.of("N", 1, 257, "T"));
    assertThat(loaded.manifest().preprocessing()).isEqualTo(Preprocessing.standard(128));
    assertThat(loaded.manifest().metrics()).containsEntry("synthetic.ciou", 41.5);
    assertThat(loaded.onnx()).isEqualTo(dir.resolve("model.onnx"));
  }

  @Test
  void theManifestRecordsTheSha256OfEveryFile() throws IOException {
    ModelArtifact a = writeValid(tmp.resolve("model"));
    assertThat(a.manifest().files().get("model.params").sha256())
        // sha256 of the bytes 01 02 03 04
        .isEqualTo("9f64a747e1b97f131fabb6b447296c9b6f0201e79fb3c5356e6c77e89b6a806a");
  }

  @Test
  void aChangedFileIsRefusedWithBothChecksums() throws IOException {
    Path dir = tmp.resolve("model");
    writeValid(dir);
    Files.write(dir.resolve("model.params"), new byte[] {9, 9, 9, 9});

    assertThatThrownBy(() -> ModelArtifact.load(dir))
        .isInstanceOf(InvalidArtifactException.class)
        .hasMessageContaining("checksum mismatch for " + dir.resolve("model.params"))
        .hasMessageContaining("9f64a747")
        .hasMessageContaining("corrupt or was changed after export");
  }

  @Test
  void aMissingFileIsNamed() throws IOException {
    Path dir = tmp.resolve("model");
    writeValid(dir);
    Files.delete(dir.resolve("model.onnx"));

    assertThatThrownBy(() -> ModelArtifact.load(dir)).hasMessageContaining("is missing model.onnx");
  }

  @Test
  void aMissingManifestSaysWhatIsExpected() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("empty"));
    assertThatThrownBy(() -> ModelArtifact.load(dir)).hasMessageContaining("has no manifest.json");
    assertThatThrownBy(() -> ModelArtifact.load(tmp.resolve("nope")))
        .hasMessageContaining("does not exist");
  }

  @Test
  void aGarbledManifestIsRefused() throws IOException {
    Path dir = tmp.resolve("model");
    writeValid(dir);
    Files.writeString(dir.resolve("manifest.json"), "{\"name\": ", StandardCharsets.UTF_8);
    assertThatThrownBy(() -> ModelArtifact.load(dir))
        .isInstanceOf(InvalidArtifactException.class)
        .hasMessageContaining("cannot read " + dir.resolve("manifest.json"));
  }

  @Test
  void aGraphWhoseShapesDisagreeWithTheManifestIsRefused() throws IOException {
    Path dir = tmp.resolve("model");
    String oldSha = writeValid(dir).manifest().files().get("model.onnx").sha256();
    // Swap in a graph for 224-pixel images and fix the checksum so only the shapes disagree.
    onnxDeclaring(dir.resolve("model.onnx"), 224);
    String manifest = Files.readString(dir.resolve("manifest.json"));
    String newSha = ModelArtifact.sha256(dir.resolve("model.onnx"));
    Files.writeString(dir.resolve("manifest.json"), manifest.replace(oldSha, newSha));

    assertThatThrownBy(() -> ModelArtifact.load(dir))
        .hasMessageContaining("input 'image' is [N,3,128,128]")
        .hasMessageContaining("declares [N,3,224,224]");
  }

  @Test
  void writingRefusesAGraphThatBreaksTheManifestsPromise() throws IOException {
    Path src = Files.createDirectories(tmp.resolve("src"));
    Path onnx = onnxDeclaring(src.resolve("model.onnx"), 224);
    Path params = Files.write(src.resolve("model.params"), new byte[] {1});
    assertThatThrownBy(
            () ->
                ModelArtifact.write(
                    tmp.resolve("out"),
                    manifest(128),
                    Map.of("model.onnx", onnx, "model.params", params)))
        .isInstanceOf(InvalidArtifactException.class);
  }
}
