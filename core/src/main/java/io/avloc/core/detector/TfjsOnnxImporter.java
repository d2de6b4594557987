package io.avloc.core.detector;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import io.avloc.core.detector.TfjsGraph.Constant;
import io.avloc.core.detector.TfjsGraph.Node;
import io.avloc.core.onnx.OnnxExporter;
import io.avloc.core.onnx.OnnxGraph;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns the part of a TF.js graph model that computes some chosen nodes into an ONNX graph (opset
 * {@value OnnxExporter#OPSET}, the project's) that ONNX Runtime runs.
 *
 * <p>TensorFlow computes in NHWC; ONNX's convolutions want NCHW. The graph's input and outputs keep
 * TensorFlow's NHWC layout (so they compare 1:1 with a TF.js run); one Transpose after the input
 * and one before each output switch layouts, and everything in between is NCHW: convolution kernels
 * are transposed (HWIO → OIHW; depthwise HW·C·M → (C·M)·1·HW with {@code group = C}), per-channel
 * constants become C×1×1, and axes of Mean and ConcatV2 are renumbered. TensorFlow's SAME padding
 * becomes explicit pads (the extra pixel at the end, as TensorFlow does).
 *
 * <p>Only the nodes the outputs depend on are converted; an op outside {@link #SUPPORTED_OPS} among
 * them is refused with the node and op named. Shapes are static except the batch, which is symbolic
 * ({@code N}).
 */
public final class TfjsOnnxImporter {

  /** TensorFlow ops the importer converts. */
  public static final Set<String> SUPPORTED_OPS =
      Set.of(
          "Placeholder",
          "Const",
          "Identity",
          "Conv2D",
          "_FusedConv2D",
          "DepthwiseConv2dNative",
          "FusedDepthwiseConv2dNative",
          "Add",
          "AddV2",
          "Sub",
          "Mul",
          "Relu",
          "Relu6",
          "Sigmoid",
          "Mean",
          "ConcatV2",
          "ResizeBilinear",
          "Pad",
          "MaxPool");

  /** Symbolic batch dimension of the ONNX graph's input and outputs. */
  public static final String BATCH = "N";

  /**
   * Layout of the converted graph's input and outputs. Inside, the graph is NCHW either way; {@link
   * #NHWC} adds a Transpose after the input and before each output so that they compare 1:1 with a
   * TensorFlow run, {@link #NCHW} leaves them out (for graphs that feed or are fed by other NCHW
   * graphs, such as a localizer head on the detector's features).
   */
  public enum Layout {
    NHWC,
    NCHW
  }

  private final TfjsGraph tf;
  private final OnnxGraph g;
  private final Layout layout;

  /** TF tensor name → its converted value. */
  private final Map<String, Value> values = new HashMap<>();

  private final Set<String> initializers = new HashSet<>();

  /** Square input side replacing the graph's own (0: keep the graph's). */
  private final int inputSize;

  /** This import's input side ÷ the graph's own (1 without an override). */
  private double sizeRatio = 1;

  /** A converted activation: its ONNX tensor name and NCHW shape (batch as 1). */
  private record Value(String name, long[] shape) {}

  private TfjsOnnxImporter(TfjsGraph tf, String graphName, int inputSize, Layout layout) {
    this.tf = tf;
    this.inputSize = inputSize;
    this.g = new OnnxGraph(graphName);
    this.layout = Objects.requireNonNull(layout, "layout");
  }

  /**
   * Converts the subgraph from {@code input} to {@code outputs}.
   *
   * @param input name of the Placeholder node (NHWC, 4-D)
   * @param outputs names of the nodes to expose, each 4-D; they become graph outputs of the same
   *     name, NHWC
   * @throws IllegalArgumentException naming the node, for an unsupported op or attribute, a missing
   *     node or constant, or a second input the outputs depend on
   */
  public static ModelProto convert(
      TfjsGraph tf, String input, List<String> outputs, String graphName) {
    return convert(tf, input, outputs, graphName, 0, Layout.NHWC);
  }

  /**
   * As {@link #convert(TfjsGraph, String, List, String)}, with the input resized to {@code
   * inputSize}×{@code inputSize} (0: the graph's own size). For fully convolutional graphs: every
   * resize keeps its scale factor (a 2× upsampling stays 2×), so the outputs shrink with the input;
   * the side must be a multiple of the graph's largest stride (32 for CenterNet).
   */
  public static ModelProto convert(
      TfjsGraph tf, String input, List<String> outputs, String graphName, int inputSize) {
    return convert(tf, input, outputs, graphName, inputSize, Layout.NHWC);
  }

  /**
   * As {@link #convert(TfjsGraph, String, List, String, int)}, with the input and outputs in {@code
   * layout} ({@link Layout#NCHW}: input [N, C, H, W], outputs [N, C, h, w], no Transpose).
   */
  public static ModelProto convert(
      TfjsGraph tf,
      String input,
      List<String> outputs,
      String graphName,
      int inputSize,
      Layout layout) {
    Objects.requireNonNull(tf, "tf");
    if (outputs.isEmpty()) {
      throw new IllegalArgumentException("name at least one output node");
    }
    if (inputSize < 0) {
      throw new IllegalArgumentException("inputSize must be positive (or 0): " + inputSize);
    }
    TfjsOnnxImporter importer = new TfjsOnnxImporter(tf, graphName, inputSize, layout);
    List<Node> order = importer.topologicalOrder(outputs);
    importer.refuseUnknownOps(order);
    for (Node n : order) {
      importer.emit(n, input);
    }
    for (String out : outputs) {
      Value v = importer.value(out);
      if (v.shape.length != 4) {
        throw new IllegalArgumentException("output " + out + " is not 4-D");
      }
      if (layout == Layout.NHWC) {
        importer.g.node(
            "Transpose",
            out + "/to_nhwc",
            out,
            importer.g.attrs().ints("perm", 0, 2, 3, 1),
            v.name);
        importer.g.output(out, BATCH, v.shape[2], v.shape[3], v.shape[1]);
      } else {
        importer.g.node("Identity", out + "/output", out, v.name);
        importer.g.output(out, BATCH, v.shape[1], v.shape[2], v.shape[3]);
      }
    }
    return ModelProto.newBuilder()
        .setIrVersion(OnnxExporter.IR_VERSION)
        .setProducerName("avloc")
        .setProducerVersion("1")
        .setDomain("io.avloc")
        .setModelVersion(1)
        .setDocString("imported from a TF.js graph model (" + tf.format() + ")")
        .addOpsetImport(
            OperatorSetIdProto.newBuilder().setDomain("").setVersion(OnnxExporter.OPSET))
        .setGraph(importer.g.build())
        .build();
  }

  /** The nodes the outputs depend on, inputs before users (iterative depth-first search). */
  private List<Node> topologicalOrder(List<String> outputs) {
    List<Node> order = new ArrayList<>();
    Set<String> done = new HashSet<>();
    Set<String> onStack = new HashSet<>();
    for (String out : outputs) {
      Deque<Object[]> stack = new ArrayDeque<>();
      stack.push(new Object[] {tf.node(nodeName(out)), 0});
      while (!stack.isEmpty()) {
        Object[] top = stack.peek();
        Node n = (Node) top[0];
        int next = (Integer) top[1];
        if (next == 0) {
          if (done.contains(n.name())) {
            stack.pop();
            continue;
          }
          onStack.add(n.name());
        }
        if (next < n.inputs().size()) {
          top[1] = next + 1;
          String in = n.inputs().get(next);
          if (in.startsWith("^")) {
            continue; // control dependency: no data
          }
          String dep = nodeName(in);
          if (onStack.contains(dep)) {
            throw new IllegalArgumentException("the graph has a cycle through node " + dep);
          }
          if (!done.contains(dep)) {
            stack.push(new Object[] {tf.node(dep), 0});
          }
        } else {
          stack.pop();
          onStack.remove(n.name());
          done.add(n.name());
          order.add(n);
        }
      }
    }
    return order;
  }

  private void refuseUnknownOps(List<Node> order) {
    Map<String, String> unknown = new LinkedHashMap<>();
    for (Node n : order) {
      if (!SUPPORTED_OPS.contains(n.op())) {
        unknown.putIfAbsent(n.op(), n.name());
      }
    }
    if (!unknown.isEmpty()) {
      StringBuilder msg = new StringBuilder("cannot import: unsupported TensorFlow op");
      msg.append(unknown.size() == 1 ? " " : "s ");
      List<String> parts = new ArrayList<>();
      unknown.forEach((op, node) -> parts.add("'" + op + "' (node " + node + ")"));
      msg.append(String.join(", ", parts));
      msg.append("; supported: ").append(new TreeSet<>(SUPPORTED_OPS));
      throw new IllegalArgumentException(msg.toString());
    }
  }

  /**
   * Prefix of the converted nodes' names: the graph outputs carry the TF node names (NHWC), so the
   * NCHW tensors inside need names of their own.
   */
  private static final String INTERNAL = "nchw/";

  private static String local(Node n) {
    return INTERNAL + n.name();
  }

  private static String nodeName(String input) {
    String s = input.startsWith("^") ? input.substring(1) : input;
    int colon = s.lastIndexOf(':');
    return colon < 0 ? s : s.substring(0, colon);
  }

  private Value value(String input) {
    int colon = input.lastIndexOf(':');
    if (colon >= 0 && !input.substring(colon + 1).equals("0")) {
      throw new IllegalArgumentException(
          "input " + input + ": only the first output of a node can be imported");
    }
    Value v = values.get(nodeName(input));
    if (v == null) {
      throw new IllegalArgumentException(
          "node " + nodeName(input) + " is used as an activation but is not one (a constant?)");
    }
    return v;
  }

  private Constant constant(Node user, String input) {
    String name = nodeName(input);
    Node n = tf.node(name);
    if (!n.op().equals("Const")) {
      throw new IllegalArgumentException(
          "node " + user.name() + " (" + user.op() + "): input " + name + " must be a constant");
    }
    Constant c = tf.constant(name);
    if (c == null) {
      throw new IllegalArgumentException(
          "constant " + name + " (used by " + user.name() + ") has no values in the weights");
    }
    return c;
  }

  private boolean isConstant(String input) {
    return tf.node(nodeName(input)).op().equals("Const");
  }

  private void emit(Node n, String input) {
    String op = n.op();
    switch (op) {
      case "Const" -> {} // materialised by its users, in the layout they need
      case "Placeholder" -> placeholder(n, input);
      case "Identity" -> values.put(n.name(), value(n.inputs().get(0)));
      case "Conv2D", "_FusedConv2D" -> conv(n, false);
      case "DepthwiseConv2dNative", "FusedDepthwiseConv2dNative" -> conv(n, true);
      case "Add", "AddV2" -> binary(n, "Add");
      case "Sub" -> binary(n, "Sub");
      case "Mul" -> binary(n, "Mul");
      case "Relu" -> unary(n, "Relu");
      case "Sigmoid" -> unary(n, "Sigmoid");
      case "Relu6" -> relu6(n, value(n.inputs().get(0)), n.name());
      case "Mean" -> mean(n);
      case "ConcatV2" -> concat(n);
      case "ResizeBilinear" -> resize(n);
      case "Pad" -> pad(n);
      case "MaxPool" -> maxPool(n);
      default -> throw new IllegalArgumentException("unsupported op " + op + " at " + n.name());
    }
  }

  private void placeholder(Node n, String input) {
    if (!n.name().equals(input)) {
      throw new IllegalArgumentException(
          "the outputs depend on placeholder "
              + n.name()
              + ", not only on the input "
              + input
              + "; the importer converts single-input graphs");
    }
    List<Long> dims = new ArrayList<>();
    for (var d : n.attr("shape").path("shape").path("dim")) {
      dims.add(d.path("size").asLong());
    }
    if (dims.size() != 4 || dims.subList(1, 4).stream().anyMatch(d -> d <= 0)) {
      throw new IllegalArgumentException(
          "input " + n.name() + " must be NHWC with fixed H, W, C; its shape is " + dims);
    }
    if (inputSize > 0) {
      sizeRatio = (double) inputSize / dims.get(1);
      dims.set(1, (long) inputSize);
      dims.set(2, (long) inputSize);
    }
    String nchw;
    if (layout == Layout.NHWC) {
      g.input(n.name(), BATCH, dims.get(1), dims.get(2), dims.get(3));
      nchw =
          g.node(
              "Transpose",
              local(n) + "/to_nchw",
              null,
              g.attrs().ints("perm", 0, 3, 1, 2),
              n.name());
    } else {
      g.input(n.name(), BATCH, dims.get(3), dims.get(1), dims.get(2));
      nchw = n.name();
    }
    values.put(n.name(), new Value(nchw, new long[] {1, dims.get(3), dims.get(1), dims.get(2)}));
  }

  private void requireNhwc(Node n) {
    String format = n.stringAttr("data_format", "NHWC");
    if (!format.equals("NHWC")) {
      throw new IllegalArgumentException(
          "node " + n.name() + " (" + n.op() + ") has data_format " + format + "; only NHWC");
    }
  }

  private void conv(Node n, boolean depthwise) {
    requireNhwc(n);
    Value x = value(n.inputs().get(0));
    Constant w = constant(n, n.inputs().get(1));
    if (w.shape().length != 4) {
      throw new IllegalArgumentException("node " + n.name() + ": kernel is not 4-D");
    }
    int kh = w.shape()[0];
    int kw = w.shape()[1];
    int ci = w.shape()[2];
    int m = w.shape()[3]; // output channels, or the depth multiplier of a depthwise conv
    long channels = x.shape[1];
    if (ci != channels) {
      throw new IllegalArgumentException(
          "node " + n.name() + ": kernel expects " + ci + " input channels, input has " + channels);
    }
    long[] strides = n.intsAttr("strides", 1, 1, 1, 1);
    long[] dilations = n.intsAttr("dilations", 1, 1, 1, 1);
    if (strides[0] != 1 || strides[3] != 1 || dilations[0] != 1 || dilations[3] != 1) {
      throw new IllegalArgumentException(
          "node " + n.name() + ": strides/dilations over batch or channels are not supported");
    }
    long[] pads = pads(n, x.shape, kh, kw, strides, dilations);
    int outChannels = depthwise ? ci * m : m;
    float[] oihw = new float[w.size()];
    if (depthwise) {
      // TF [kh][kw][c][m] → ONNX [c·M + m][1][kh][kw]
      for (int i = 0; i < kh; i++) {
        for (int j = 0; j < kw; j++) {
          for (int c = 0; c < ci; c++) {
            for (int k = 0; k < m; k++) {
              oihw[((c * m + k) * kh + i) * kw + j] = w.floats()[((i * kw + j) * ci + c) * m + k];
            }
          }
        }
      }
    } else {
      // TF [kh][kw][ci][co] → ONNX [co][ci][kh][kw]
      for (int i = 0; i < kh; i++) {
        for (int j = 0; j < kw; j++) {
          for (int c = 0; c < ci; c++) {
            for (int o = 0; o < m; o++) {
              oihw[((o * ci + c) * kh + i) * kw + j] = w.floats()[((i * kw + j) * ci + c) * m + o];
            }
          }
        }
      }
    }
    String weight =
        initializer(w.name() + "/oihw", new long[] {outChannels, depthwise ? 1 : ci, kh, kw}, oihw);
    List<String> inputs = new ArrayList<>(List.of(x.name, weight));
    List<String> fused = n.stringsAttr("fused_ops");
    boolean isFused = n.op().startsWith("_Fused") || n.op().startsWith("Fused");
    String activation = null;
    if (isFused) {
      if (fused.isEmpty() || !fused.get(0).equals("BiasAdd")) {
        throw new IllegalArgumentException(
            "node "
                + n.name()
                + " ("
                + n.op()
                + "): fused ops "
                + fused
                + " not supported;"
                + " supported: [BiasAdd], [BiasAdd, Relu], [BiasAdd, Relu6]");
      }
      if (fused.size() > 2) {
        throw new IllegalArgumentException(
            "node " + n.name() + ": fused ops " + fused + " not supported");
      }
      if (fused.size() == 2) {
        activation = fused.get(1);
        if (!activation.equals("Relu") && !activation.equals("Relu6")) {
          throw new IllegalArgumentException(
              "node " + n.name() + ": fused activation " + activation + " not supported");
        }
      }
      Constant bias = constant(n, n.inputs().get(2));
      if (bias.size() != outChannels) {
        throw new IllegalArgumentException(
            "node "
                + n.name()
                + ": bias has "
                + bias.size()
                + " values for "
                + outChannels
                + " channels");
      }
      inputs.add(initializer(bias.name(), new long[] {outChannels}, bias.floats()));
    }
    OnnxGraph.Attrs attrs =
        g.attrs()
            .ints("kernel_shape", kh, kw)
            .ints("strides", strides[1], strides[2])
            .ints("dilations", dilations[1], dilations[2])
            .ints("pads", pads)
            .i("group", depthwise ? ci : 1);
    String convOut = activation == null ? local(n) : local(n) + "/conv";
    String y = g.node("Conv", convOut, null, attrs, inputs.toArray(String[]::new));
    long[] shape = {
      1,
      outChannels,
      outSize(x.shape[2], kh, strides[1], dilations[1], pads[0], pads[2]),
      outSize(x.shape[3], kw, strides[2], dilations[2], pads[1], pads[3])
    };
    Value out = new Value(y, shape);
    if (activation == null) {
      values.put(n.name(), out);
    } else if (activation.equals("Relu")) {
      values.put(n.name(), new Value(g.node("Relu", local(n), null, y), shape));
    } else {
      relu6(n, out, n.name());
    }
  }

  private static long outSize(
      long in, long k, long stride, long dilation, long before, long after) {
    return (in + before + after - (k - 1) * dilation - 1) / stride + 1;
  }

  /** ONNX pads [top, left, bottom, right] for TensorFlow's padding attribute. */
  private static long[] pads(Node n, long[] nchw, int kh, int kw, long[] strides, long[] dil) {
    String padding = n.stringAttr("padding", "VALID");
    switch (padding) {
      case "VALID" -> {
        return new long[] {0, 0, 0, 0};
      }
      case "SAME" -> {
        long[] h = samePads(nchw[2], kh, strides[1], dil[1]);
        long[] w = samePads(nchw[3], kw, strides[2], dil[2]);
        return new long[] {h[0], w[0], h[1], w[1]};
      }
      case "EXPLICIT" -> {
        long[] e = n.intsAttr("explicit_paddings");
        if (e.length != 8) {
          throw new IllegalArgumentException("node " + n.name() + ": explicit_paddings needs 8");
        }
        return new long[] {e[2], e[4], e[3], e[5]};
      }
      default ->
          throw new IllegalArgumentException(
              "node " + n.name() + ": padding " + padding + " not supported");
    }
  }

  /** TensorFlow SAME: output ceil(in/stride); the odd pixel of padding goes at the end. */
  private static long[] samePads(long in, long k, long stride, long dilation) {
    long out = (in + stride - 1) / stride;
    long effective = (k - 1) * dilation + 1;
    long total = Math.max((out - 1) * stride + effective - in, 0);
    return new long[] {total / 2, total - total / 2};
  }

  private void unary(Node n, String onnxOp) {
    Value x = value(n.inputs().get(0));
    values.put(n.name(), new Value(g.node(onnxOp, local(n), null, x.name), x.shape));
  }

  private void relu6(Node n, Value x, String name) {
    String lo = sharedScalar("avloc/relu6/min", 0f);
    String hi = sharedScalar("avloc/relu6/max", 6f);
    values.put(name, new Value(g.node("Clip", INTERNAL + name, null, x.name, lo, hi), x.shape));
  }

  private void binary(Node n, String onnxOp) {
    if (n.inputs().size() != 2) {
      throw new IllegalArgumentException("node " + n.name() + ": expected 2 inputs");
    }
    String a = n.inputs().get(0);
    String b = n.inputs().get(1);
    if (isConstant(a) && isConstant(b)) {
      throw new IllegalArgumentException(
          "node " + n.name() + " (" + n.op() + ") has two constant inputs; fold it first");
    }
    long[] shapeA = null;
    long[] shapeB = null;
    String nameA;
    String nameB;
    if (isConstant(a)) {
      nameA = broadcastConstant(n, constant(n, a));
    } else {
      Value v = value(a);
      nameA = v.name;
      shapeA = v.shape;
    }
    if (isConstant(b)) {
      nameB = broadcastConstant(n, constant(n, b));
    } else {
      Value v = value(b);
      nameB = v.name;
      shapeB = v.shape;
    }
    long[] shape;
    if (shapeA == null) {
      shape = shapeB;
    } else if (shapeB == null) {
      shape = shapeA;
    } else {
      shape = broadcast(n, shapeA, shapeB);
    }
    values.put(n.name(), new Value(g.node(onnxOp, local(n), null, nameA, nameB), shape));
  }

  private static long[] broadcast(Node n, long[] a, long[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException("node " + n.name() + ": operands differ in rank");
    }
    long[] out = new long[a.length];
    for (int i = 0; i < a.length; i++) {
      if (a[i] != b[i] && a[i] != 1 && b[i] != 1) {
        throw new IllegalArgumentException(
            "node "
                + n.name()
                + ": shapes "
                + Arrays.toString(a)
                + " and "
                + Arrays.toString(b)
                + " do not broadcast");
      }
      out[i] = Math.max(a[i], b[i]);
    }
    return out;
  }

  /** A float constant in the NCHW layout of the activation it meets: scalar, [C] → C×1×1. */
  private String broadcastConstant(Node user, Constant c) {
    if (!c.isFloat()) {
      throw new IllegalArgumentException(
          "node " + user.name() + ": int constant " + c.name() + " in arithmetic");
    }
    int[] s = c.shape();
    if (s.length == 0 || c.size() == 1) {
      return initializer(c.name(), new long[0], c.floats());
    }
    if (s.length == 1) {
      return initializer(c.name() + "/c11", new long[] {s[0], 1, 1}, c.floats());
    }
    throw new IllegalArgumentException(
        "node "
            + user.name()
            + ": constant "
            + c.name()
            + " of shape "
            + Arrays.toString(s)
            + " cannot be broadcast in NCHW; only scalars and per-channel vectors");
  }

  private void mean(Node n) {
    Value x = value(n.inputs().get(0));
    Constant axes = constant(n, n.inputs().get(1));
    if (!n.boolAttr("keep_dims", false)) {
      throw new IllegalArgumentException(
          "node " + n.name() + ": Mean without keep_dims changes the rank; not supported");
    }
    long[] onnxAxes = new long[axes.size()];
    long[] shape = x.shape.clone();
    for (int i = 0; i < onnxAxes.length; i++) {
      onnxAxes[i] = nchwAxis(n, axes.ints()[i]);
      shape[(int) onnxAxes[i]] = 1;
    }
    String y =
        g.node(
            "ReduceMean",
            local(n),
            null,
            g.attrs().ints("axes", onnxAxes).i("keepdims", 1),
            x.name);
    values.put(n.name(), new Value(y, shape));
  }

  /** An NHWC axis (may be negative) as the NCHW axis. */
  private static int nchwAxis(Node n, int axis) {
    int a = axis < 0 ? axis + 4 : axis;
    return switch (a) {
      case 0 -> 0;
      case 1 -> 2;
      case 2 -> 3;
      case 3 -> 1;
      default -> throw new IllegalArgumentException("node " + n.name() + ": axis " + axis);
    };
  }

  private void concat(Node n) {
    int count = n.inputs().size() - 1;
    Constant axisConst = constant(n, n.inputs().get(count));
    int axis = nchwAxis(n, axisConst.ints()[0]);
    String[] inputs = new String[count];
    long[] shape = null;
    for (int i = 0; i < count; i++) {
      Value v = value(n.inputs().get(i));
      inputs[i] = v.name;
      if (shape == null) {
        shape = v.shape.clone();
      } else {
        shape[axis] += v.shape[axis];
      }
    }
    values.put(
        n.name(),
        new Value(g.node("Concat", local(n), null, g.attrs().i("axis", axis), inputs), shape));
  }

  private void resize(Node n) {
    Value x = value(n.inputs().get(0));
    Constant size = constant(n, n.inputs().get(1));
    // The graph's sizes are for its own input; at another input size keep the scale factor.
    long oh = Math.round(size.ints()[0] * (x.shape[2] / Math.rint(x.shape[2] / sizeRatio)));
    long ow = Math.round(size.ints()[1] * (x.shape[3] / Math.rint(x.shape[3] / sizeRatio)));
    boolean alignCorners = n.boolAttr("align_corners", false);
    boolean halfPixel = n.boolAttr("half_pixel_centers", false);
    String mode = alignCorners ? "align_corners" : halfPixel ? "half_pixel" : "asymmetric";
    // scales rather than sizes, so that the batch stays symbolic
    String scales =
        initializer(
            local(n) + "/scales",
            new long[] {4},
            new float[] {1f, 1f, (float) oh / x.shape[2], (float) ow / x.shape[3]});
    String y =
        g.node(
            "Resize",
            local(n),
            null,
            g.attrs().s("mode", "linear").s("coordinate_transformation_mode", mode),
            x.name,
            "",
            scales);
    values.put(n.name(), new Value(y, new long[] {x.shape[0], x.shape[1], oh, ow}));
  }

  private void pad(Node n) {
    Value x = value(n.inputs().get(0));
    Constant p = constant(n, n.inputs().get(1));
    if (p.size() != 8) {
      throw new IllegalArgumentException("node " + n.name() + ": paddings must be 4x2");
    }
    int[] v = p.ints();
    // NHWC pairs → ONNX [n, c, h, w begins..., n, c, h, w ends...]
    long[] pads = {v[0], v[6], v[2], v[4], v[1], v[7], v[3], v[5]};
    String y = g.node("Pad", local(n), null, x.name, int64s(local(n) + "/pads", pads));
    long[] shape = x.shape.clone();
    for (int i = 0; i < 4; i++) {
      shape[i] += pads[i] + pads[i + 4];
    }
    values.put(n.name(), new Value(y, shape));
  }

  private void maxPool(Node n) {
    requireNhwc(n);
    Value x = value(n.inputs().get(0));
    long[] k = n.intsAttr("ksize");
    long[] s = n.intsAttr("strides");
    long[] one = {1, 1, 1, 1};
    long[] pads = pads(n, x.shape, (int) k[1], (int) k[2], s, one);
    String y =
        g.node(
            "MaxPool",
            local(n),
            null,
            g.attrs()
                .ints("kernel_shape", k[1], k[2])
                .ints("strides", s[1], s[2])
                .ints("pads", pads),
            x.name);
    long[] shape = {
      x.shape[0],
      x.shape[1],
      outSize(x.shape[2], k[1], s[1], 1, pads[0], pads[2]),
      outSize(x.shape[3], k[2], s[2], 1, pads[1], pads[3])
    };
    values.put(n.name(), new Value(y, shape));
  }

  private String initializer(String name, long[] dims, float[] data) {
    if (initializers.add(name)) {
      g.floats(name, dims, data);
    }
    return name;
  }

  private String int64s(String name, long... data) {
    if (initializers.add(name)) {
      g.int64s(name, data);
    }
    return name;
  }

  private String sharedScalar(String name, float value) {
    if (initializers.add(name)) {
      g.scalar(name, value);
    }
    return name;
  }
}
