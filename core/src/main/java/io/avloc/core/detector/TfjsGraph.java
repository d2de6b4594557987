package io.avloc.core.detector;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A TF.js graph model ({@code format: graph-model}) as read from its {@code model.json} and weight
 * files: the TensorFlow {@code GraphDef} nodes of {@code modelTopology} and the constants of {@code
 * weightsManifest}, dequantised to float32 (float16, or uint8/uint16 with scale and min) or kept as
 * int32.
 */
public final class TfjsGraph {

  /** One TensorFlow node: its op, its inputs ({@code name} or {@code name:k}) and attributes. */
  public record Node(String name, String op, List<String> inputs, JsonNode attrs) {
    public Node {
      inputs = List.copyOf(inputs);
    }

    /** An attribute, or a missing node if absent. */
    public JsonNode attr(String key) {
      return attrs.path(key);
    }

    /** A string attribute (TF.js stores them base64-encoded), or {@code fallback}. */
    public String stringAttr(String key, String fallback) {
      JsonNode s = attr(key).path("s");
      if (s.isMissingNode()) {
        return fallback;
      }
      return new String(
          java.util.Base64.getDecoder().decode(s.asText()),
          java.nio.charset.StandardCharsets.UTF_8);
    }

    /** A list-of-strings attribute (base64 each), empty if absent. */
    public List<String> stringsAttr(String key) {
      List<String> out = new ArrayList<>();
      for (JsonNode s : attr(key).path("list").path("s")) {
        out.add(
            new String(
                java.util.Base64.getDecoder().decode(s.asText()),
                java.nio.charset.StandardCharsets.UTF_8));
      }
      return out;
    }

    /** A list-of-ints attribute, or {@code fallback} if absent. */
    public long[] intsAttr(String key, long... fallback) {
      JsonNode list = attr(key).path("list").path("i");
      if (!list.isArray() || list.isEmpty()) {
        return fallback;
      }
      long[] out = new long[list.size()];
      for (int i = 0; i < out.length; i++) {
        out[i] = list.get(i).asLong();
      }
      return out;
    }

    /** A boolean attribute, or {@code fallback}. */
    public boolean boolAttr(String key, boolean fallback) {
      JsonNode b = attr(key).path("b");
      return b.isMissingNode() ? fallback : b.asBoolean();
    }
  }

  /**
   * A constant: float values (dequantised) or int values, row-major in TensorFlow's layout.
   *
   * @param floats the values of a float tensor, else {@code null}
   * @param ints the values of an int32 tensor, else {@code null}
   */
  public record Constant(String name, int[] shape, float[] floats, int[] ints) {
    public int size() {
      return floats != null ? floats.length : ints.length;
    }

    public boolean isFloat() {
      return floats != null;
    }
  }

  private final Map<String, Node> nodes;
  private final Map<String, Constant> constants;
  private final String format;

  private TfjsGraph(Map<String, Node> nodes, Map<String, Constant> constants, String format) {
    this.nodes = nodes;
    this.constants = constants;
    this.format = format;
  }

  /**
   * Reads {@code model.json} and the weight files it names (next to it).
   *
   * @throws IllegalArgumentException if the file is not a TF.js graph model, or a weight file is
   *     missing, short, or in a data type the reader does not know
   */
  public static TfjsGraph read(Path modelJson) throws IOException {
    Objects.requireNonNull(modelJson, "modelJson");
    if (!Files.isRegularFile(modelJson)) {
      throw new IllegalArgumentException("TF.js model file not found: " + modelJson);
    }
    JsonNode root = new ObjectMapper().readTree(modelJson.toFile());
    String format = root.path("format").asText("");
    JsonNode topology = root.path("modelTopology");
    if (!topology.path("node").isArray()) {
      throw new IllegalArgumentException(
          modelJson
              + " is not a TF.js graph model (no modelTopology.node list; format '"
              + format
              + "'); a layers model cannot be imported");
    }
    Map<String, Node> nodes = new LinkedHashMap<>();
    for (JsonNode n : topology.path("node")) {
      List<String> inputs = new ArrayList<>();
      for (JsonNode in : n.path("input")) {
        inputs.add(in.asText());
      }
      Node node = new Node(n.path("name").asText(), n.path("op").asText(), inputs, n.path("attr"));
      nodes.put(node.name(), node);
    }
    Path dir = modelJson.toAbsolutePath().getParent();
    Map<String, Constant> constants = new LinkedHashMap<>();
    for (JsonNode group : root.path("weightsManifest")) {
      ByteBuffer data = readGroup(dir, group.path("paths"));
      for (JsonNode spec : group.path("weights")) {
        Constant c = decode(spec, data, modelJson);
        constants.put(c.name(), c);
      }
      if (data.hasRemaining()) {
        throw new IllegalArgumentException(
            modelJson
                + ": weight files hold "
                + data.remaining()
                + " bytes more than the manifest describes");
      }
    }
    return new TfjsGraph(
        Collections.unmodifiableMap(nodes), Collections.unmodifiableMap(constants), format);
  }

  private static ByteBuffer readGroup(Path dir, JsonNode paths) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (JsonNode p : paths) {
      Path file = dir.resolve(p.asText());
      if (!Files.isRegularFile(file)) {
        throw new IllegalArgumentException("TF.js weight file not found: " + file);
      }
      all.write(Files.readAllBytes(file));
    }
    return ByteBuffer.wrap(all.toByteArray()).order(ByteOrder.LITTLE_ENDIAN);
  }

  private static Constant decode(JsonNode spec, ByteBuffer data, Path source) {
    String name = spec.path("name").asText();
    JsonNode shapeNode = spec.path("shape");
    int[] shape = new int[shapeNode.size()];
    long count = 1;
    for (int i = 0; i < shape.length; i++) {
      shape[i] = shapeNode.get(i).asInt();
      count *= shape[i];
    }
    int n = Math.toIntExact(count);
    String dtype = spec.path("dtype").asText();
    JsonNode q = spec.path("quantization");
    String stored = q.isMissingNode() ? dtype : q.path("dtype").asText();
    int width =
        switch (stored) {
          case "float32", "int32" -> 4;
          case "float16", "uint16" -> 2;
          case "uint8" -> 1;
          default ->
              throw new IllegalArgumentException(
                  source
                      + ": weight "
                      + name
                      + " is stored as "
                      + stored
                      + "; the reader knows float32, int32, float16, uint16 and uint8");
        };
    if (data.remaining() < (long) n * width) {
      throw new IllegalArgumentException(
          source + ": weight files end inside weight " + name + " (" + n + " x " + stored + ")");
    }
    if (dtype.equals("int32")) {
      if (!stored.equals("int32")) {
        throw new IllegalArgumentException(
            source + ": int32 weight " + name + " is quantised as " + stored + "; not supported");
      }
      int[] ints = new int[n];
      for (int i = 0; i < n; i++) {
        ints[i] = data.getInt();
      }
      return new Constant(name, shape, null, ints);
    }
    if (!dtype.equals("float32")) {
      throw new IllegalArgumentException(
          source + ": weight " + name + " has dtype " + dtype + "; expected float32 or int32");
    }
    float[] floats = new float[n];
    switch (stored) {
      case "float32" -> {
        for (int i = 0; i < n; i++) {
          floats[i] = data.getFloat();
        }
      }
      case "float16" -> {
        for (int i = 0; i < n; i++) {
          floats[i] = Half.toFloat(data.getShort());
        }
      }
      case "uint8", "uint16" -> {
        // Affine quantisation: value = q * scale + min.
        float scale = (float) q.path("scale").asDouble();
        float min = (float) q.path("min").asDouble();
        for (int i = 0; i < n; i++) {
          int v = stored.equals("uint8") ? data.get() & 0xff : data.getShort() & 0xffff;
          floats[i] = v * scale + min;
        }
      }
      default -> throw new IllegalArgumentException("float32 weight " + name + " stored as int32");
    }
    return new Constant(name, shape, floats, null);
  }

  /** The {@code format} field, e.g. {@code graph-model}. */
  public String format() {
    return format;
  }

  /** Every node, in file order. */
  public Map<String, Node> nodes() {
    return nodes;
  }

  /** The node named {@code name}. */
  public Node node(String name) {
    Node n = nodes.get(name);
    if (n == null) {
      throw new IllegalArgumentException("the graph has no node named '" + name + "'");
    }
    return n;
  }

  /** The constant (weight) named {@code name}, or {@code null}. */
  public Constant constant(String name) {
    return constants.get(name);
  }

  /** Number of float parameters over all constants. */
  public long parameterCount() {
    long total = 0;
    for (Constant c : constants.values()) {
      if (c.isFloat()) {
        total += c.size();
      }
    }
    return total;
  }

  /** IEEE 754 binary16 to float, exactly (Java 17 has no {@code Float.float16ToFloat}). */
  static final class Half {
    private Half() {}

    static float toFloat(short bits) {
      int h = bits & 0xffff;
      int sign = (h >>> 15) << 31;
      int exp = (h >>> 10) & 0x1f;
      int mant = h & 0x3ff;
      if (exp == 0) {
        // zero or subnormal: mant · 2^-24
        float v = mant * 0x1p-24f;
        return sign == 0 ? v : -v;
      }
      if (exp == 0x1f) {
        return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
      }
      return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
    }
  }
}
