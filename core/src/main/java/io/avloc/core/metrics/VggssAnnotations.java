package io.avloc.core.metrics;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import io.avloc.core.serde.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads VGG-SS's annotation file {@code vggss.json}: a JSON list of {@code {"file": "...", "class":
 * "...", "bbox": [[x1, y1, x2, y2], ...]}} with coordinates normalized to [0, 1]. Unknown fields
 * are ignored; a missing {@code class} reads as "". Malformed content is an {@link
 * IllegalArgumentException} that names the source and the entry.
 */
public final class VggssAnnotations {
  private VggssAnnotations() {}

  /** Reads the annotation file at {@code path}. */
  public static List<VggssAnnotation> read(Path path) {
    try (InputStream in = Files.newInputStream(path)) {
      return read(in, path.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read VGG-SS annotations " + path, e);
    }
  }

  /**
   * Reads annotations from a stream.
   *
   * @param source names the stream in error messages
   */
  public static List<VggssAnnotation> read(InputStream in, String source) {
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(in);
    } catch (JacksonException e) {
      throw new IllegalArgumentException(source + ": not valid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read VGG-SS annotations " + source, e);
    }
    if (root == null || !root.isArray()) {
      throw new IllegalArgumentException(source + ": expected a JSON list of annotations");
    }
    List<VggssAnnotation> annotations = new ArrayList<>(root.size());
    for (int i = 0; i < root.size(); i++) {
      annotations.add(entry(root.get(i), source + ": entry " + i));
    }
    return annotations;
  }

  /**
   * Indexes annotations by clip id.
   *
   * @throws IllegalArgumentException when a clip id occurs twice
   */
  public static Map<String, VggssAnnotation> byFile(List<VggssAnnotation> annotations) {
    Map<String, VggssAnnotation> index = new LinkedHashMap<>();
    for (VggssAnnotation a : annotations) {
      if (index.putIfAbsent(a.file(), a) != null) {
        throw new IllegalArgumentException("duplicate VGG-SS annotation for file " + a.file());
      }
    }
    return index;
  }

  private static VggssAnnotation entry(JsonNode node, String where) {
    if (!node.isObject()) {
      throw new IllegalArgumentException(where + ": expected an object");
    }
    JsonNode file = node.get("file");
    if (file == null || !file.isTextual() || file.asText().isBlank()) {
      throw new IllegalArgumentException(where + ": \"file\" must be a non-empty string");
    }
    String id = file.asText();
    String context = where + " (file " + id + ")";
    JsonNode soundClass = node.get("class");
    if (soundClass != null && !soundClass.isNull() && !soundClass.isTextual()) {
      throw new IllegalArgumentException(context + ": \"class\" must be a string");
    }
    JsonNode bbox = node.get("bbox");
    if (bbox == null || !bbox.isArray()) {
      throw new IllegalArgumentException(context + ": \"bbox\" must be a list of boxes");
    }
    List<NormalizedBox> boxes = new ArrayList<>(bbox.size());
    for (int b = 0; b < bbox.size(); b++) {
      boxes.add(box(bbox.get(b), context + ": bbox " + b));
    }
    return new VggssAnnotation(
        id, soundClass == null || soundClass.isNull() ? "" : soundClass.asText(), boxes);
  }

  private static NormalizedBox box(JsonNode node, String where) {
    if (!node.isArray() || node.size() != 4) {
      throw new IllegalArgumentException(where + ": expected 4 numbers [x1, y1, x2, y2]");
    }
    double[] v = new double[4];
    for (int k = 0; k < 4; k++) {
      JsonNode c = node.get(k);
      if (!c.isNumber()) {
        throw new IllegalArgumentException(where + ": coordinate " + k + " is not a number: " + c);
      }
      v[k] = c.asDouble();
    }
    return new NormalizedBox(v[0], v[1], v[2], v[3]);
  }
}
