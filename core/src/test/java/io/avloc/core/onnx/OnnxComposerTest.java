package io.avloc.core.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoopTranslator;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Composing, pruning and fixing ONNX graphs, checked by running the result on ONNX Runtime. */
class OnnxComposerTest {

  @TempDir Path tmp;

  /** x [N,2] → y = x·2 (kept), z = x + 100 (an output nothing links to: pruned). */
  private static ModelProto front() {
    OnnxGraph g = new OnnxGraph("front");
    g.input("x", "N", 2);
    g.node("Mul", "scale", "y", "x", g.scalar("w", 2f));
    g.node("Add", "shift", "z", "x", g.scalar("b", 100f));
    g.output("y", "N", 2);
    g.output("z", "N", 2);
    return OnnxExporter.model(g, "front").build();
  }

  /** f [N,2], s [N,2] → out = f·3 + s; its constant is also called w, as the front's. */
  private static ModelProto back() {
    OnnxGraph g = new OnnxGraph("back");
    g.input("f", "N", 2);
    g.input("s", "N", 2);
    String m = g.node("Mul", "scale", null, "f", g.scalar("w", 3f));
    g.node("Add", "sum", "out", m, "s");
    g.output("out", "N", 2);
    return OnnxExporter.model(g, "back").build();
  }

  @Test
  void theComposedGraphComputesTheBackOnTheFrontsOutputAndKeepsThePublicNames() throws Exception {
    ModelProto composed =
        OnnxComposer.compose(front(), "front/", back(), "back/", Map.of("f", "y"), "both");

    assertThat(composed.getGraph().getInputList().stream().map(ValueInfoProto::getName))
        .containsExactly("x", "s");
    assertThat(composed.getGraph().getOutputList().stream().map(ValueInfoProto::getName))
        .containsExactly("out");
    // the same initializer name in both parts stays apart; the unlinked output z is pruned
    assertThat(composed.getGraph().getInitializerList().stream().map(TensorProto::getName))
        .containsExactlyInAnyOrder("front/w", "back/w");
    assertThat(composed.getGraph().getNodeList().stream().map(NodeProto::getName))
        .containsExactly("front/scale", "back/scale", "back/sum");

    float[] out = run(composed, new float[] {1, 2, 3, 4}, new float[] {10, 20, 30, 40}, 2);
    assertThat(out).containsExactly(16f, 32f, 48f, 64f); // (x·2)·3 + s
  }

  @Test
  void aPassedThroughOutputOfTheFrontStaysAnOutputUnderItsName() throws Exception {
    ModelProto composed =
        OnnxComposer.compose(
            front(), "front/", back(), "back/", Map.of("f", "y"), List.of("z"), "both");

    assertThat(composed.getGraph().getOutputList().stream().map(ValueInfoProto::getName))
        .containsExactly("out", "z");
    Map<String, float[]> out =
        runAll(composed, new float[] {1, 2, 3, 4}, new float[] {10, 20, 30, 40}, 2);
    assertThat(out.get("out")).containsExactly(16f, 32f, 48f, 64f);
    assertThat(out.get("z")).containsExactly(101f, 102f, 103f, 104f); // x + 100

    assertThatThrownBy(
            () ->
                OnnxComposer.compose(
                    front(), "front/", back(), "back/", Map.of("f", "y"), List.of("q"), "both"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no output 'q' to pass through");
  }

  @Test
  void fixingTheBatchFixesTheInputsAndOutputs() {
    ModelProto fixed =
        OnnxComposer.fixDimensions(
            OnnxComposer.compose(front(), "front/", back(), "back/", Map.of("f", "y"), "both"),
            Map.of("N", 8L));
    for (ValueInfoProto v : fixed.getGraph().getInputList()) {
      assertThat(v.getType().getTensorType().getShape().getDim(0).getDimValue()).isEqualTo(8);
    }
    assertThat(
            fixed
                .getGraph()
                .getOutput(0)
                .getType()
                .getTensorType()
                .getShape()
                .getDim(0)
                .getDimValue())
        .isEqualTo(8);
  }

  @Test
  void aLinkToSomethingThatIsNotThereIsRefusedByName() {
    assertThatThrownBy(
            () -> OnnxComposer.compose(front(), "a/", back(), "b/", Map.of("f", "nope"), "g"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no output 'nope'")
        .hasMessageContaining("[y, z]");
    assertThatThrownBy(
            () -> OnnxComposer.compose(front(), "a/", back(), "b/", Map.of("q", "y"), "g"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no input 'q'");
  }

  @Test
  void aPublicNameThatClashesIsRefused() {
    OnnxGraph g = new OnnxGraph("clash");
    g.input("f", "N", 2);
    g.input("x", "N", 2); // the front's public input has this name too
    g.node("Add", "sum", "out", "f", "x");
    g.output("out", "N", 2);
    ModelProto back = OnnxExporter.model(g, "clash").build();
    assertThatThrownBy(() -> OnnxComposer.compose(front(), "a/", back, "b/", Map.of("f", "y"), "g"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("defines 'x' twice");
  }

  private float[] run(ModelProto model, float[] x, float[] s, int n) throws Exception {
    return runAll(model, x, s, n).get("out");
  }

  /** Every output of {@code model} on x, s (read before the model closes). */
  private Map<String, float[]> runAll(ModelProto model, float[] x, float[] s, int n)
      throws Exception {
    Path file = tmp.resolve("composed.onnx");
    try (OutputStream out = Files.newOutputStream(file)) {
      model.writeTo(out);
    }
    Engine.getEngine("OnnxRuntime");
    try (ZooModel<NDList, NDList> m =
            Criteria.builder()
                .setTypes(NDList.class, NDList.class)
                .optModelPath(file)
                .optEngine("OnnxRuntime")
                .optTranslator(new NoopTranslator())
                .build()
                .loadModel();
        var predictor = m.newPredictor()) {
      NDArray xs = m.getNDManager().create(x, new Shape(n, 2));
      xs.setName("x");
      NDArray ss = m.getNDManager().create(s, new Shape(n, 2));
      ss.setName("s");
      Map<String, float[]> out = new LinkedHashMap<>();
      for (NDArray a : predictor.predict(new NDList(xs, ss))) {
        out.put(a.getName(), a.toFloatArray());
      }
      return out;
    }
  }
}
