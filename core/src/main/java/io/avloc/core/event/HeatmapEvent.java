package io.avloc.core.event;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Where in a frame the sound comes from: the value of an {@code avloc.heatmaps} record (JSON, the
 * README's contract table, schema in {@code docs/schemas/heatmap-event.schema.json}). All
 * coordinates are normalized to [0, 1] of the frame's width and height, origin top-left.
 *
 * @param camera the camera id (also the record key)
 * @param frameTsUs capture time of the localized frame, µs since the epoch
 * @param model {@code name@version} of the model
 * @param method training method of the model, e.g. {@code fnac}
 * @param grid the localization map, row-major, values in [0, 1]
 * @param peak the hottest point of the map
 * @param avScore audio-visual correspondence: the largest cosine similarity between the audio
 *     embedding and any position of the visual map, in [−1, 1] (EZ-VSL's max-pooled score); low
 *     values suggest the sound source is not on screen
 * @param boxes regions above the box threshold, best first
 * @param audio the audio window paired with the frame
 * @param latencyMs where the time went, in milliseconds
 * @param emittedAtUs when the event was produced, µs since the epoch
 */
public record HeatmapEvent(
    String camera,
    long frameTsUs,
    String model,
    String method,
    Grid grid,
    Peak peak,
    double avScore,
    List<Box> boxes,
    AudioWindow audio,
    Latency latencyMs,
    long emittedAtUs) {

  public HeatmapEvent {
    requireText(camera, "camera");
    requireText(model, "model");
    requireText(method, "method");
    Objects.requireNonNull(grid, "grid");
    Objects.requireNonNull(peak, "peak");
    if (!(avScore >= -1.0001 && avScore <= 1.0001)) {
      throw new IllegalArgumentException("avScore must be a cosine in [-1,1], got " + avScore);
    }
    Objects.requireNonNull(audio, "audio");
    Objects.requireNonNull(latencyMs, "latencyMs");
    boxes = List.copyOf(Objects.requireNonNull(boxes, "boxes"));
  }

  /** A row-major w×h map with values in [0, 1]. */
  public record Grid(int w, int h, float[] values) {
    public Grid {
      if (w <= 0 || h <= 0) {
        throw new IllegalArgumentException("grid size must be positive: " + w + "x" + h);
      }
      Objects.requireNonNull(values, "values");
      if (values.length != w * h) {
        throw new IllegalArgumentException(
            "grid " + w + "x" + h + " needs " + w * h + " values, got " + values.length);
      }
      for (float v : values) {
        if (!(v >= 0f && v <= 1f)) {
          throw new IllegalArgumentException("grid values must be in [0,1], got " + v);
        }
      }
    }

    /** The value at column x, row y. */
    public float at(int x, int y) {
      return values[y * w + x];
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Grid g && g.w == w && g.h == h && Arrays.equals(g.values, values);
    }

    @Override
    public int hashCode() {
      return Objects.hash(w, h) * 31 + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
      return "Grid[" + w + "x" + h + "]";
    }
  }

  /** The hottest point, normalized coordinates, and its map value. */
  public record Peak(double x, double y, double score) {
    public Peak {
      requireUnit(x, "peak.x");
      requireUnit(y, "peak.y");
      requireFinite(score, "peak.score");
    }
  }

  /**
   * A normalized box {@code (x1, y1)–(x2, y2)} with x1 ≤ x2, y1 ≤ y2, and its score.
   *
   * @param label the COCO class of the object the detector found in the box, for models whose
   *     artifact uses the object detector (docs/detector.md); {@code null} (absent from the JSON)
   *     otherwise, or when nothing was detected there
   */
  @JsonDeserialize(using = BoxReader.class)
  public record Box(
      double x1,
      double y1,
      double x2,
      double y2,
      double score,
      @JsonInclude(JsonInclude.Include.NON_NULL) String label) {

    /** An unlabelled box. */
    public Box(double x1, double y1, double x2, double y2, double score) {
      this(x1, y1, x2, y2, score, null);
    }

    /** This box with a class label. */
    public Box withLabel(String value) {
      return new Box(x1, y1, x2, y2, score, value);
    }

    public Box {
      if (label != null && label.isBlank()) {
        throw new IllegalArgumentException("box.label must not be blank; leave it out instead");
      }
      requireUnit(x1, "box.x1");
      requireUnit(y1, "box.y1");
      requireUnit(x2, "box.x2");
      requireUnit(y2, "box.y2");
      if (x1 > x2 || y1 > y2) {
        throw new IllegalArgumentException(
            "box corners out of order: (" + x1 + "," + y1 + ")-(" + x2 + "," + y2 + ")");
      }
      requireFinite(score, "box.score");
    }
  }

  /**
   * Reads a {@link Box}: the corners and score are required (named when missing), the label is
   * optional, which the strict creator-property rule of {@code Json.MAPPER} cannot express.
   */
  static final class BoxReader extends StdDeserializer<Box> {
    BoxReader() {
      super(Box.class);
    }

    @Override
    public Box deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      JsonNode n = p.readValueAsTree();
      if (n == null || !n.isObject()) {
        return ctxt.reportInputMismatch(Box.class, "a box must be a JSON object");
      }
      double[] v = new double[5];
      String[] names = {"x1", "y1", "x2", "y2", "score"};
      for (int i = 0; i < names.length; i++) {
        JsonNode f = n.get(names[i]);
        if (f == null || !f.isNumber()) {
          return ctxt.reportInputMismatch(
              Box.class, "Missing required creator property '%s' (a number) of a box", names[i]);
        }
        v[i] = f.asDouble();
      }
      JsonNode label = n.get("label");
      if (label != null && !label.isNull() && !label.isTextual()) {
        return ctxt.reportInputMismatch(Box.class, "box.label must be a string");
      }
      return new Box(
          v[0], v[1], v[2], v[3], v[4], label == null || label.isNull() ? null : label.asText());
    }
  }

  /**
   * The audio paired with the frame.
   *
   * @param partial true when part of the window had no audio and was zero-filled
   */
  public record AudioWindow(long startUs, long endUs, boolean partial) {
    public AudioWindow {
      if (endUs < startUs) {
        throw new IllegalArgumentException("audio window ends before it starts");
      }
    }
  }

  /** Latency breakdown in milliseconds. */
  public record Latency(double sync, double queue, double inference, double total) {
    public Latency {
      requireNonNegative(sync, "latencyMs.sync");
      requireNonNegative(queue, "latencyMs.queue");
      requireNonNegative(inference, "latencyMs.inference");
      requireNonNegative(total, "latencyMs.total");
    }
  }

  private static void requireText(String s, String name) {
    if (s == null || s.isBlank()) {
      throw new IllegalArgumentException(name + " must be a non-empty string");
    }
  }

  private static void requireUnit(double v, String name) {
    if (!(v >= 0 && v <= 1)) {
      throw new IllegalArgumentException(name + " must be in [0,1], got " + v);
    }
  }

  private static void requireFinite(double v, String name) {
    if (!Double.isFinite(v)) {
      throw new IllegalArgumentException(name + " must be finite, got " + v);
    }
  }

  private static void requireNonNegative(double v, String name) {
    if (!(v >= 0) || Double.isInfinite(v)) {
      throw new IllegalArgumentException(name + " must be a finite value >= 0, got " + v);
    }
  }
}
