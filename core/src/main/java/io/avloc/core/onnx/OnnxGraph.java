package io.avloc.core.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A small builder over ONNX's protobuf messages: nodes, initializers, typed inputs and outputs.
 * Used by the network's {@link OnnxExporter} and by the detector importer ({@code
 * io.avloc.core.detector}).
 */
public final class OnnxGraph {

  private final GraphProto.Builder graph = GraphProto.newBuilder();
  private final List<NodeProto.Builder> nodes = new ArrayList<>();
  private final Set<String> initializers = new HashSet<>();

  public OnnxGraph(String name) {
    graph.setName(name);
  }

  /** Declares a float graph input; each dim is a number or a symbolic name. */
  public void input(String name, Object... dims) {
    graph.addInput(valueInfo(name, dims));
  }

  /** Declares a float graph output; each dim is a number or a symbolic name. */
  public void output(String name, Object... dims) {
    graph.addOutput(valueInfo(name, dims));
  }

  private static ValueInfoProto valueInfo(String name, Object... dims) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    for (Object dim : dims) {
      TensorShapeProto.Dimension.Builder d = TensorShapeProto.Dimension.newBuilder();
      if (dim instanceof Number n) {
        d.setDimValue(n.longValue());
      } else {
        d.setDimParam(dim.toString());
      }
      shape.addDim(d);
    }
    TypeProto type =
        TypeProto.newBuilder()
            .setTensorType(
                TypeProto.Tensor.newBuilder()
                    .setElemType(TensorProto.DataType.FLOAT_VALUE)
                    .setShape(shape))
            .build();
    return ValueInfoProto.newBuilder().setName(name).setType(type).build();
  }

  /** Adds a node without attributes; returns its output, {@code out} or else the node name. */
  public String node(String op, String name, String out, String... inputs) {
    return node(op, name, out, attrs(), inputs);
  }

  /** Adds a node; returns its output, {@code out} or else the node name. */
  public String node(String op, String name, String out, Attrs attrs, String... inputs) {
    String output = out != null ? out : name;
    NodeProto.Builder node = NodeProto.newBuilder().setOpType(op).setName(name).addOutput(output);
    for (String input : inputs) {
      node.addInput(input);
    }
    node.addAllAttribute(attrs.list);
    nodes.add(node);
    return output;
  }

  /**
   * Renames the output of the node that produced {@code tensor}, which nothing may consume yet
   * (used to give graph outputs their public names).
   */
  public void renameOutput(String tensor, String name) {
    for (NodeProto.Builder node : nodes) {
      if (node.getInputList().contains(tensor)) {
        throw new IllegalStateException(tensor + " is already consumed by " + node.getName());
      }
    }
    for (NodeProto.Builder node : nodes) {
      if (node.getOutput(0).equals(tensor)) {
        node.setOutput(0, name);
        return;
      }
    }
    throw new IllegalStateException("no node produces " + tensor);
  }

  /** Adds a float initializer (little-endian raw data); returns its name. */
  public String floats(String name, long[] dims, float[] values) {
    ByteBuffer buf =
        ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    buf.asFloatBuffer().put(values);
    return initializer(name, TensorProto.DataType.FLOAT_VALUE, dims, buf);
  }

  /** Adds a 0-d float initializer; returns its name. */
  public String scalar(String name, float value) {
    return floats(name, new long[0], new float[] {value});
  }

  /** Adds a 1-d int64 initializer (axes, shapes); returns its name. */
  public String int64s(String name, long... values) {
    ByteBuffer buf = ByteBuffer.allocate(values.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    buf.asLongBuffer().put(values);
    return initializer(name, TensorProto.DataType.INT64_VALUE, new long[] {values.length}, buf);
  }

  private String initializer(String name, int dataType, long[] dims, ByteBuffer data) {
    if (!initializers.add(name)) {
      throw new IllegalStateException("duplicate initializer " + name);
    }
    TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(dataType);
    for (long dim : dims) {
      t.addDims(dim);
    }
    t.setRawData(ByteString.copyFrom(data.array()));
    graph.addInitializer(t);
    return name;
  }

  /** A fresh attribute list. */
  public Attrs attrs() {
    return new Attrs();
  }

  public GraphProto build() {
    for (NodeProto.Builder node : nodes) {
      graph.addNode(node);
    }
    return graph.build();
  }

  public static void metadata(ModelProto.Builder model, String key, String value) {
    model.addMetadataProps(StringStringEntryProto.newBuilder().setKey(key).setValue(value));
  }

  /** Node attributes, built fluently. */
  public static final class Attrs {
    private final List<AttributeProto> list = new ArrayList<>();

    public Attrs i(String name, long value) {
      list.add(
          AttributeProto.newBuilder()
              .setName(name)
              .setType(AttributeProto.AttributeType.INT)
              .setI(value)
              .build());
      return this;
    }

    public Attrs f(String name, float value) {
      list.add(
          AttributeProto.newBuilder()
              .setName(name)
              .setType(AttributeProto.AttributeType.FLOAT)
              .setF(value)
              .build());
      return this;
    }

    public Attrs s(String name, String value) {
      list.add(
          AttributeProto.newBuilder()
              .setName(name)
              .setType(AttributeProto.AttributeType.STRING)
              .setS(ByteString.copyFromUtf8(value))
              .build());
      return this;
    }

    public Attrs ints(String name, long... values) {
      AttributeProto.Builder a =
          AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
      for (long v : values) {
        a.addInts(v);
      }
      list.add(a.build());
      return this;
    }
  }
}
