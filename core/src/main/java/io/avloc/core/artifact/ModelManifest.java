package io.avloc.core.artifact;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code manifest.json} of a model artifact (docs/core.md, model artifact): what the model is, the
 * exact shapes of its inference graph, every preprocessing constant a server needs to feed it the
 * same input the trainer did, how it was trained and how it scored, the deliberate deviations from
 * the papers, and the sha256 of each file.
 *
 * @param formatVersion manifest schema version, {@value #FORMAT_VERSION}
 * @param name model name, e.g. {@code fnac-lite}
 * @param version model version; heatmap events carry {@code name@version}
 * @param method training method: {@code ezvsl}, {@code marginnce}, {@code fnac} or {@code random}
 * @param preset network preset, {@code paper} or {@code lite}
 * @param createdAt ISO-8601 instant
 * @param inputs ONNX graph inputs by name ({@code image}, {@code spectrogram})
 * @param outputs ONNX graph outputs by name ({@code simmap}, {@code audio_emb}, {@code visual_map})
 * @param network network hyper-parameters (widths, embedding size, temperature...)
 * @param preprocessing every audio and image preprocessing constant
 * @param training data, command, seed and hyper-parameters; {@code null} for an untrained model
 * @param metrics evaluation results, e.g. {@code vggss.ciou}; may be empty
 * @param deviations where this model knowingly departs from the reference implementations
 * @param files sha256 and size of each file of the artifact, by file name
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelManifest(
    int formatVersion,
    String name,
    String version,
    String method,
    String preset,
    String createdAt,
    Map<String, TensorSpec> inputs,
    Map<String, TensorSpec> outputs,
    Map<String, Object> network,
    Preprocessing preprocessing,
    Map<String, Object> training,
    Map<String, Double> metrics,
    List<String> deviations,
    Map<String, FileEntry> files) {

  public static final int FORMAT_VERSION = 1;

  public ModelManifest {
    requireText(name, "name");
    requireText(version, "version");
    requireText(method, "method");
    requireText(preset, "preset");
    if (name.contains("@") || version.contains("@")) {
      throw new IllegalArgumentException("name and version must not contain '@'");
    }
    inputs = Map.copyOf(Objects.requireNonNull(inputs, "inputs"));
    outputs = Map.copyOf(Objects.requireNonNull(outputs, "outputs"));
    network = network == null ? Map.of() : new LinkedHashMap<>(network);
    Objects.requireNonNull(preprocessing, "preprocessing");
    metrics = metrics == null ? Map.of() : new LinkedHashMap<>(metrics);
    deviations = deviations == null ? List.of() : List.copyOf(deviations);
    files = files == null ? Map.of() : new LinkedHashMap<>(files);
  }

  /** {@code name@version}, as carried by heatmap events. */
  public String id() {
    return name + "@" + version;
  }

  /** A copy with the given file table (used when the artifact is written). */
  public ModelManifest withFiles(Map<String, FileEntry> newFiles) {
    return new ModelManifest(
        formatVersion,
        name,
        version,
        method,
        preset,
        createdAt,
        inputs,
        outputs,
        network,
        preprocessing,
        training,
        metrics,
        deviations,
        newFiles);
  }

  /** A copy with more evaluation results merged in. */
  public ModelManifest withMetrics(Map<String, Double> more) {
    Map<String, Double> merged = new LinkedHashMap<>(metrics);
    merged.putAll(more);
    return new ModelManifest(
        formatVersion,
        name,
        version,
        method,
        preset,
        createdAt,
        inputs,
        outputs,
        network,
        preprocessing,
        training,
        merged,
        deviations,
        files);
  }

  /** Checksum and size of one file of the artifact. */
  public record FileEntry(String sha256, long bytes) {
    public FileEntry {
      if (sha256 == null || !sha256.matches("[0-9a-f]{64}")) {
        throw new IllegalArgumentException("sha256 must be 64 lowercase hex digits: " + sha256);
      }
    }
  }

  private static void requireText(String s, String what) {
    if (s == null || s.isBlank()) {
      throw new IllegalArgumentException("manifest field '" + what + "' is missing or empty");
    }
  }
}
