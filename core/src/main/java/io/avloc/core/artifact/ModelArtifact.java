package io.avloc.core.artifact;

import ai.onnx.proto.OnnxMl;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.avloc.core.detector.DetectorTrunk;
import io.avloc.core.serde.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A model directory (docs/core.md, model artifact): {@code manifest.json}, {@code model.onnx} (the
 * inference graph) and {@code model.params} (DJL parameters), possibly more files (fixed-batch ONNX
 * variants). {@link #write} records the sha256 of every file in the manifest; {@link #load} refuses
 * a directory whose files are missing, altered, whose ONNX graph does not have the shapes the
 * manifest promises, or whose preprocessing constants disagree with that graph or cannot be
 * honoured ({@link PreprocessingContract#of(ModelManifest)}).
 */
public final class ModelArtifact {

  public static final String MANIFEST = "manifest.json";
  public static final String ONNX = "model.onnx";
  public static final String PARAMS = "model.params";

  private final Path dir;
  private final ModelManifest manifest;
  private final PreprocessingContract preprocessing;

  private ModelArtifact(Path dir, ModelManifest manifest) {
    this.dir = dir;
    this.manifest = manifest;
    this.preprocessing = PreprocessingContract.of(manifest);
  }

  public Path dir() {
    return dir;
  }

  public ModelManifest manifest() {
    return manifest;
  }

  /**
   * The model's preprocessing contract: what every path (training, eval, streams, serve) feeds it.
   * Checked at load, so an artifact whose manifest disagrees with its graph never loads.
   */
  public PreprocessingContract preprocessing() {
    return preprocessing;
  }

  /** The path of one of the artifact's files (verified at load). */
  public Path file(String name) {
    if (!manifest.files().containsKey(name)) {
      throw new InvalidArtifactException(
          "model artifact "
              + dir
              + " has no file '"
              + name
              + "'; it has "
              + manifest.files().keySet());
    }
    return dir.resolve(name);
  }

  public Path onnx() {
    return file(ONNX);
  }

  public Path params() {
    return file(PARAMS);
  }

  /**
   * Loads {@code model.params} into {@code model}, whose block must be an uninitialized or
   * initialized network of the manifest's preset. DJL only resolves {@code <prefix>-NNNN.params},
   * so the file is presented to it under that name from a temporary folder.
   */
  public void loadParameters(ai.djl.Model model) throws IOException {
    Path staging = Files.createTempDirectory("avloc-params-");
    Path link = staging.resolve("model-0000.params");
    try {
      try {
        Files.createSymbolicLink(link, params().toAbsolutePath());
      } catch (UnsupportedOperationException | IOException e) {
        Files.copy(params(), link);
      }
      model.load(staging, "model");
    } catch (ai.djl.MalformedModelException e) {
      throw new InvalidArtifactException(
          params() + " does not fit the network: " + e.getMessage() + "; re-export the model", e);
    } finally {
      Files.deleteIfExists(link);
      Files.deleteIfExists(staging);
    }
  }

  /**
   * Writes an artifact: copies {@code files} (name → source path) into {@code dir}, then writes the
   * manifest with their checksums. {@code model.onnx} and {@code model.params} are required. The
   * directory is written in place; an existing manifest is replaced last, so a reader never sees
   * new checksums next to old files.
   */
  public static ModelArtifact write(Path dir, ModelManifest manifest, Map<String, Path> files)
      throws IOException {
    for (String required : List.of(ONNX, PARAMS)) {
      if (!files.containsKey(required)) {
        throw new IllegalArgumentException("an artifact needs " + required);
      }
    }
    Files.createDirectories(dir);
    Map<String, ModelManifest.FileEntry> entries = new LinkedHashMap<>();
    for (Map.Entry<String, Path> f : files.entrySet()) {
      String name = f.getKey();
      if (name.contains("/") || name.contains("\\") || name.equals(MANIFEST)) {
        throw new IllegalArgumentException("bad artifact file name: " + name);
      }
      Path target = dir.resolve(name);
      if (!f.getValue().toAbsolutePath().normalize().equals(target.toAbsolutePath().normalize())) {
        Files.copy(f.getValue(), target, StandardCopyOption.REPLACE_EXISTING);
      }
      entries.put(name, new ModelManifest.FileEntry(sha256(target), Files.size(target)));
    }
    ModelManifest complete = manifest.withFiles(entries);
    checkOnnxShapes(dir, complete);
    PreprocessingContract.of(complete);
    Path tmp = dir.resolve(MANIFEST + ".tmp");
    Json.MAPPER.writer(SerializationFeature.INDENT_OUTPUT).writeValue(tmp.toFile(), complete);
    Files.move(tmp, dir.resolve(MANIFEST), StandardCopyOption.REPLACE_EXISTING);
    return new ModelArtifact(dir, complete);
  }

  /**
   * Loads and verifies an artifact: the manifest parses, every listed file exists with its recorded
   * sha256 and size, and the ONNX graph's inputs and outputs have the manifest's shapes.
   *
   * @throws InvalidArtifactException naming the first problem and what to do about it
   */
  public static ModelArtifact load(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new InvalidArtifactException(
          "model directory " + dir + " does not exist; pass the folder that holds manifest.json");
    }
    Path manifestFile = dir.resolve(MANIFEST);
    ModelManifest manifest;
    try {
      manifest = Json.MAPPER.readValue(manifestFile.toFile(), ModelManifest.class);
    } catch (NoSuchFileException | java.io.FileNotFoundException e) {
      throw new InvalidArtifactException(
          "model directory " + dir + " has no manifest.json; is it a model artifact?", e);
    } catch (IOException | IllegalArgumentException e) {
      throw new InvalidArtifactException(
          "cannot read " + manifestFile + ": " + e.getMessage() + "; re-export the model", e);
    }
    if (manifest.formatVersion() != ModelManifest.FORMAT_VERSION) {
      throw new InvalidArtifactException(
          manifestFile
              + " has format version "
              + manifest.formatVersion()
              + "; this avloc reads version "
              + ModelManifest.FORMAT_VERSION);
    }
    for (String required : List.of(ONNX, PARAMS)) {
      if (!manifest.files().containsKey(required)) {
        throw new InvalidArtifactException(
            manifestFile + " does not list " + required + "; re-export the model");
      }
    }
    for (Map.Entry<String, ModelManifest.FileEntry> f : manifest.files().entrySet()) {
      Path file = dir.resolve(f.getKey());
      if (!Files.isRegularFile(file)) {
        throw new InvalidArtifactException(
            "model artifact " + dir + " is missing " + f.getKey() + " (listed in manifest.json)");
      }
      String actual;
      try {
        actual = sha256(file);
      } catch (IOException e) {
        throw new InvalidArtifactException("cannot read " + file + ": " + e.getMessage(), e);
      }
      if (!actual.equals(f.getValue().sha256())) {
        throw new InvalidArtifactException(
            "checksum mismatch for "
                + file
                + ": manifest.json says sha256 "
                + f.getValue().sha256()
                + " but the file has "
                + actual
                + "; the file is corrupt or was changed after export");
      }
    }
    checkOnnxShapes(dir, manifest);
    try {
      PreprocessingContract.of(manifest);
    } catch (InvalidArtifactException e) {
      throw new InvalidArtifactException(manifestFile + ": " + e.getMessage(), e);
    }
    return new ModelArtifact(dir, manifest);
  }

  private static void checkOnnxShapes(Path dir, ModelManifest manifest) {
    Path onnx = dir.resolve(ONNX);
    OnnxMl.ModelProto model;
    try (InputStream in = Files.newInputStream(onnx)) {
      model = OnnxMl.ModelProto.parseFrom(in);
    } catch (IOException e) {
      throw new InvalidArtifactException(
          onnx + " is not a readable ONNX model: " + e.getMessage(), e);
    }
    OnnxMl.GraphProto graph = model.getGraph();
    Map<String, TensorSpec> declaredInputs = new LinkedHashMap<>();
    graph.getInputList().forEach(v -> declaredInputs.put(v.getName(), spec(v)));
    Map<String, TensorSpec> declaredOutputs = new LinkedHashMap<>();
    graph.getOutputList().forEach(v -> declaredOutputs.put(v.getName(), spec(v)));
    compare(onnx, "input", manifest.inputs(), declaredInputs);
    compare(onnx, "output", manifest.outputs(), declaredOutputs);
    String promisedTrunk = DetectorTrunk.nodeOf(manifest.network());
    String graphTrunk = DetectorTrunk.nodeOf(model);
    if (!Objects.equals(promisedTrunk, graphTrunk)) {
      throw new InvalidArtifactException(
          "manifest.json says the visual trunk is "
              + (promisedTrunk == null ? "not a frozen detector" : "detector node " + promisedTrunk)
              + " but "
              + onnx
              + (graphTrunk == null
                  ? " holds no detector"
                  : " holds the detector up to node " + graphTrunk)
              + "; the manifest and the graph come from different exports");
    }
  }

  private static void compare(
      Path onnx, String kind, Map<String, TensorSpec> promised, Map<String, TensorSpec> declared) {
    for (Map.Entry<String, TensorSpec> p : promised.entrySet()) {
      TensorSpec d = declared.get(p.getKey());
      if (d == null) {
        throw new InvalidArtifactException(
            "manifest.json promises "
                + kind
                + " '"
                + p.getKey()
                + "' but "
                + onnx
                + " has only "
                + declared.keySet());
      }
      if (!d.equals(p.getValue())) {
        throw new InvalidArtifactException(
            "manifest.json says "
                + kind
                + " '"
                + p.getKey()
                + "' is "
                + p.getValue()
                + " but "
                + onnx
                + " declares "
                + d
                + "; the manifest and the graph come from different exports");
      }
    }
  }

  /** The shape a graph input or output declares, symbolic dimensions by name. */
  static TensorSpec spec(OnnxMl.ValueInfoProto v) {
    OnnxMl.TensorShapeProto shape = v.getType().getTensorType().getShape();
    List<Object> dims =
        shape.getDimList().stream()
            .map(
                d ->
                    d.hasDimValue()
                        ? (Object) d.getDimValue()
                        : (Object) (d.getDimParam().isEmpty() ? "?" : d.getDimParam()))
            .toList();
    return new TensorSpec(dims);
  }

  /** Hex sha256 of a file. */
  public static String sha256(Path file) throws IOException {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), md)) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    }
    return HexFormat.of().formatHex(md.digest());
  }
}
