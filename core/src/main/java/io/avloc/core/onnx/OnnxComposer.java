package io.avloc.core.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Joins ONNX graphs into one: the outputs of a first graph feed inputs of a second (e.g. a frozen
 * feature extractor in front of a trained head), so that one file, run by any ONNX engine, computes
 * both. Also prunes a graph to the nodes some outputs need and fixes symbolic dimensions.
 *
 * <p>Names: the composed graph's <em>public</em> names (its inputs and outputs) stay as they are;
 * every other tensor, initializer and node of each part gets that part's prefix, so two parts that
 * both call something {@code conv1.weight} cannot clash. A clash that remains (e.g. an output of
 * the second graph with the name of an input of the first) is refused, naming the tensor.
 *
 * <p>Graphs with subgraphs (If, Loop, Scan) and with custom-domain ops are refused: nothing in
 * avloc writes them, and renaming inside them would need scoping rules this class does not have.
 */
public final class OnnxComposer {

  private OnnxComposer() {}

  /**
   * The graph that computes {@code second} on {@code first}'s outputs.
   *
   * @param first the graph in front; its inputs become the composed graph's first inputs
   * @param firstPrefix prefix of {@code first}'s inner names (may be empty when they are already
   *     unique, e.g. a graph composed before)
   * @param second the graph behind; its outputs become the composed graph's outputs, its unlinked
   *     inputs follow {@code first}'s inputs
   * @param secondPrefix prefix of {@code second}'s inner names
   * @param links {@code second}'s input name → the {@code first} output that feeds it; every output
   *     of {@code first} that no input takes is dropped, with the nodes only it needed
   * @param graphName name of the composed graph
   * @throws IllegalArgumentException naming the tensor: a link to an input or output that does not
   *     exist, operator sets that differ, a name clash, a subgraph
   */
  public static ModelProto compose(
      ModelProto first,
      String firstPrefix,
      ModelProto second,
      String secondPrefix,
      Map<String, String> links,
      String graphName) {
    return compose(first, firstPrefix, second, secondPrefix, links, List.of(), graphName);
  }

  /**
   * As {@link #compose(ModelProto, String, ModelProto, String, Map, String)}, and the outputs of
   * {@code first} named in {@code passThrough} stay outputs of the composed graph, under their own
   * names, after {@code second}'s (e.g. the detector's class heatmaps next to a head's maps).
   *
   * @throws IllegalArgumentException also when a pass-through name is not an output of {@code
   *     first} or is an output of {@code second} too
   */
  public static ModelProto compose(
      ModelProto first,
      String firstPrefix,
      ModelProto second,
      String secondPrefix,
      Map<String, String> links,
      Collection<String> passThrough,
      String graphName) {
    Objects.requireNonNull(passThrough, "passThrough");
    Objects.requireNonNull(first, "first");
    Objects.requireNonNull(second, "second");
    Objects.requireNonNull(firstPrefix, "firstPrefix");
    Objects.requireNonNull(secondPrefix, "secondPrefix");
    Objects.requireNonNull(links, "links");
    if (links.isEmpty()) {
      throw new IllegalArgumentException("link at least one input of the second graph");
    }
    if (firstPrefix.equals(secondPrefix)) {
      throw new IllegalArgumentException(
          "the two graphs need different prefixes to keep their names apart, both are '"
              + firstPrefix
              + "'");
    }
    requireSameOpsets(first, second);
    GraphProto a = first.getGraph();
    GraphProto b = second.getGraph();
    refuseSubgraphs(a);
    refuseSubgraphs(b);
    Set<String> aOutputs = names(a.getOutputList());
    Set<String> bInputs = names(b.getInputList());
    for (Map.Entry<String, String> link : links.entrySet()) {
      if (!bInputs.contains(link.getKey())) {
        throw new IllegalArgumentException(
            "the second graph has no input '" + link.getKey() + "'; its inputs are " + bInputs);
      }
      if (!aOutputs.contains(link.getValue())) {
        throw new IllegalArgumentException(
            "the first graph has no output '" + link.getValue() + "'; its outputs are " + aOutputs);
      }
    }
    Set<String> bOutputs = names(b.getOutputList());
    for (String kept : passThrough) {
      if (!aOutputs.contains(kept)) {
        throw new IllegalArgumentException(
            "the first graph has no output '"
                + kept
                + "' to pass through; its outputs are "
                + aOutputs);
      }
      if (bOutputs.contains(kept)) {
        throw new IllegalArgumentException(
            "'" + kept + "' is an output of both graphs; pass through only what the second lacks");
      }
    }
    // Only what the linked and passed-through outputs need of the first graph.
    Set<String> needed = new LinkedHashSet<>(links.values());
    needed.addAll(passThrough);
    a = prune(a, needed);

    Set<String> publicA = new HashSet<>(names(a.getInputList()));
    publicA.addAll(passThrough);
    Map<String, String> renameA = new HashMap<>();
    for (String name : allNames(a)) {
      renameA.put(name, publicA.contains(name) ? name : firstPrefix + name);
    }
    Map<String, String> renameB = new HashMap<>();
    Set<String> publicB = new HashSet<>(names(b.getOutputList()));
    for (ValueInfoProto in : b.getInputList()) {
      if (!links.containsKey(in.getName())) {
        publicB.add(in.getName());
      }
    }
    for (String name : allNames(b)) {
      String linked = links.get(name);
      if (linked != null) {
        renameB.put(name, renameA.get(linked));
      } else {
        renameB.put(name, publicB.contains(name) ? name : secondPrefix + name);
      }
    }

    GraphProto.Builder out = GraphProto.newBuilder().setName(graphName);
    out.addAllInput(renamedValues(a.getInputList(), renameA));
    for (ValueInfoProto in : b.getInputList()) {
      if (!links.containsKey(in.getName())) {
        out.addInput(renamed(in, renameB));
      }
    }
    out.addAllOutput(renamedValues(b.getOutputList(), renameB));
    for (ValueInfoProto o : a.getOutputList()) {
      if (passThrough.contains(o.getName())) {
        out.addOutput(renamed(o, renameA));
      }
    }
    out.addAllInitializer(renamedTensors(a.getInitializerList(), renameA));
    out.addAllInitializer(renamedTensors(b.getInitializerList(), renameB));
    for (NodeProto n : a.getNodeList()) {
      out.addNode(renamed(n, renameA, firstPrefix));
    }
    for (NodeProto n : b.getNodeList()) {
      out.addNode(renamed(n, renameB, secondPrefix));
    }
    out.addAllValueInfo(renamedValues(a.getValueInfoList(), renameA));
    out.addAllValueInfo(renamedValues(b.getValueInfoList(), renameB));
    GraphProto graph = out.build();
    requireUniqueNames(graph);

    ModelProto.Builder model =
        ModelProto.newBuilder()
            .setIrVersion(Math.max(first.getIrVersion(), second.getIrVersion()))
            .setProducerName("avloc")
            .setProducerVersion("1")
            .setDomain("io.avloc")
            .setModelVersion(1)
            .addAllOpsetImport(second.getOpsetImportList())
            .setGraph(graph);
    Map<String, String> metadata = new LinkedHashMap<>();
    for (ModelProto part : List.of(first, second)) {
      for (StringStringEntryProto e : part.getMetadataPropsList()) {
        metadata.putIfAbsent(e.getKey(), e.getValue());
      }
    }
    metadata.forEach((k, v) -> OnnxGraph.metadata(model, k, v));
    return model.build();
  }

  /**
   * {@code model} with only {@code outputs} and the nodes, initializers and inputs they need.
   *
   * @throws IllegalArgumentException naming an output the graph does not have
   */
  public static ModelProto prune(ModelProto model, Collection<String> outputs) {
    return model.toBuilder().setGraph(prune(model.getGraph(), outputs)).build();
  }

  private static GraphProto prune(GraphProto g, Collection<String> outputs) {
    Set<String> declared = names(g.getOutputList());
    for (String o : outputs) {
      if (!declared.contains(o)) {
        throw new IllegalArgumentException(
            "the graph has no output '" + o + "'; its outputs are " + declared);
      }
    }
    Map<String, NodeProto> producer = new HashMap<>();
    for (NodeProto n : g.getNodeList()) {
      for (String o : n.getOutputList()) {
        producer.put(o, n);
      }
    }
    Set<String> needed = new HashSet<>();
    Set<NodeProto> keep = new HashSet<>();
    Deque<String> todo = new ArrayDeque<>(outputs);
    while (!todo.isEmpty()) {
      String t = todo.pop();
      if (t.isEmpty() || !needed.add(t)) {
        continue;
      }
      NodeProto n = producer.get(t);
      if (n != null && keep.add(n)) {
        todo.addAll(n.getInputList());
      }
    }
    GraphProto.Builder b = g.toBuilder().clearNode().clearInitializer().clearInput().clearOutput();
    b.clearValueInfo();
    for (NodeProto n : g.getNodeList()) {
      if (keep.contains(n)) {
        b.addNode(n);
      }
    }
    for (TensorProto t : g.getInitializerList()) {
      if (needed.contains(t.getName())) {
        b.addInitializer(t);
      }
    }
    for (ValueInfoProto v : g.getInputList()) {
      if (needed.contains(v.getName())) {
        b.addInput(v);
      }
    }
    for (ValueInfoProto v : g.getOutputList()) {
      if (outputs.contains(v.getName())) {
        b.addOutput(v);
      }
    }
    for (ValueInfoProto v : g.getValueInfoList()) {
      if (needed.contains(v.getName())) {
        b.addValueInfo(v);
      }
    }
    return b.build();
  }

  /**
   * {@code model} with symbolic dimensions of its inputs and outputs fixed, e.g. {@code N → 8} for
   * a fixed-batch graph (TensorRT wants every dimension fixed). Dimensions not named stay symbolic.
   */
  public static ModelProto fixDimensions(ModelProto model, Map<String, Long> sizes) {
    GraphProto.Builder g = model.getGraph().toBuilder();
    for (ValueInfoProto.Builder v : g.getInputBuilderList()) {
      fix(v, sizes);
    }
    for (ValueInfoProto.Builder v : g.getOutputBuilderList()) {
      fix(v, sizes);
    }
    return model.toBuilder().setGraph(g).build();
  }

  private static void fix(ValueInfoProto.Builder v, Map<String, Long> sizes) {
    TensorShapeProto.Builder shape = v.getTypeBuilder().getTensorTypeBuilder().getShapeBuilder();
    for (TensorShapeProto.Dimension.Builder d : shape.getDimBuilderList()) {
      if (d.hasDimParam() && sizes.containsKey(d.getDimParam())) {
        d.setDimValue(sizes.get(d.getDimParam()));
      }
    }
  }

  private static void requireSameOpsets(ModelProto a, ModelProto b) {
    Map<String, Long> sa = opsets(a);
    Map<String, Long> sb = opsets(b);
    if (!sa.equals(sb)) {
      throw new IllegalArgumentException(
          "the graphs use different operator sets: "
              + sa
              + " and "
              + sb
              + "; export both with one");
    }
  }

  private static Map<String, Long> opsets(ModelProto m) {
    Map<String, Long> out = new LinkedHashMap<>();
    for (OperatorSetIdProto o : m.getOpsetImportList()) {
      out.put(o.getDomain().equals("ai.onnx") ? "" : o.getDomain(), o.getVersion());
    }
    return out;
  }

  private static void refuseSubgraphs(GraphProto g) {
    for (NodeProto n : g.getNodeList()) {
      for (AttributeProto a : n.getAttributeList()) {
        if (a.hasG() || a.getGraphsCount() > 0) {
          throw new IllegalArgumentException(
              "node " + n.getName() + " (" + n.getOpType() + ") has a subgraph; not supported");
        }
      }
      if (!n.getDomain().isEmpty() && !n.getDomain().equals("ai.onnx")) {
        throw new IllegalArgumentException(
            "node " + n.getName() + " uses op domain " + n.getDomain() + "; not supported");
      }
    }
  }

  private static Set<String> names(List<ValueInfoProto> values) {
    Set<String> out = new LinkedHashSet<>();
    values.forEach(v -> out.add(v.getName()));
    return out;
  }

  /** Every tensor name the graph mentions. */
  private static Set<String> allNames(GraphProto g) {
    Set<String> out = new LinkedHashSet<>();
    g.getInputList().forEach(v -> out.add(v.getName()));
    g.getOutputList().forEach(v -> out.add(v.getName()));
    g.getValueInfoList().forEach(v -> out.add(v.getName()));
    g.getInitializerList().forEach(t -> out.add(t.getName()));
    for (NodeProto n : g.getNodeList()) {
      out.addAll(n.getInputList());
      out.addAll(n.getOutputList());
    }
    out.remove(""); // an omitted optional input
    return out;
  }

  private static List<ValueInfoProto> renamedValues(
      List<ValueInfoProto> values, Map<String, String> rename) {
    List<ValueInfoProto> out = new ArrayList<>(values.size());
    values.forEach(v -> out.add(renamed(v, rename)));
    return out;
  }

  private static ValueInfoProto renamed(ValueInfoProto v, Map<String, String> rename) {
    return v.toBuilder().setName(rename.get(v.getName())).build();
  }

  private static List<TensorProto> renamedTensors(
      List<TensorProto> tensors, Map<String, String> rename) {
    List<TensorProto> out = new ArrayList<>(tensors.size());
    tensors.forEach(t -> out.add(t.toBuilder().setName(rename.get(t.getName())).build()));
    return out;
  }

  private static NodeProto renamed(NodeProto n, Map<String, String> rename, String prefix) {
    NodeProto.Builder b = n.toBuilder().clearInput().clearOutput();
    if (!n.getName().isEmpty()) {
      b.setName(prefix + n.getName());
    }
    for (String in : n.getInputList()) {
      b.addInput(in.isEmpty() ? in : rename.get(in));
    }
    for (String o : n.getOutputList()) {
      b.addOutput(rename.get(o));
    }
    return b.build();
  }

  private static void requireUniqueNames(GraphProto g) {
    Set<String> defined = new HashSet<>();
    List<String> defs = new ArrayList<>();
    g.getInputList().forEach(v -> defs.add(v.getName()));
    g.getInitializerList().forEach(t -> defs.add(t.getName()));
    g.getNodeList().forEach(n -> defs.addAll(n.getOutputList()));
    for (String d : defs) {
      if (!defined.add(d)) {
        throw new IllegalArgumentException(
            "the composed graph defines '" + d + "' twice; give the parts other prefixes");
      }
    }
    Set<String> nodeNames = new HashSet<>();
    for (NodeProto n : g.getNodeList()) {
      if (!n.getName().isEmpty() && !nodeNames.add(n.getName())) {
        throw new IllegalArgumentException(
            "the composed graph has two nodes named '" + n.getName() + "'");
      }
    }
  }
}
