package io.avloc.core.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import io.avloc.core.model.AvLocalizer;
import io.avloc.core.model.AvLocalizerConfig;
import io.avloc.core.model.Networks;
import io.avloc.core.model.Preset;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Structure of the exported graph; numerical parity is {@link OnnxParityTest}'s job. */
class OnnxExporterTest {

  private static NDManager manager;
  private static AvLocalizer net;

  @BeforeAll
  static void setUp() {
    manager = Networks.pytorchManager();
    // FNAC's dropout must still leave no trace in the inference graph.
    net = Networks.initialized(Preset.LITE.config().withVisualDropout(0.9f), manager, 4);
  }

  @AfterAll
  static void tearDown() {
    manager.close();
  }

  private static List<Object> dims(ValueInfoProto v) {
    return v.getType().getTensorType().getShape().getDimList().stream()
        .map(d -> d.hasDimParam() ? (Object) d.getDimParam() : (Object) d.getDimValue())
        .collect(Collectors.toList());
  }

  private static Map<String, ValueInfoProto> byName(List<ValueInfoProto> values) {
    return values.stream().collect(Collectors.toMap(ValueInfoProto::getName, Function.identity()));
  }

  @Test
  void isOpset13WithOnlyTheExpectedOperatorsAndNoDropout() {
    ModelProto model = OnnxExporter.export(net, OnnxSignature.dynamic());

    assertThat(model.getOpsetImportList())
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.getDomain()).isEmpty();
              assertThat(o.getVersion()).isEqualTo(13);
            });
    assertThat(model.getIrVersion()).isEqualTo(7);
    List<String> ops = model.getGraph().getNodeList().stream().map(NodeProto::getOpType).toList();
    assertThat(ops)
        .containsOnly(
            "Conv",
            "BatchNormalization",
            "Relu",
            "MaxPool",
            "Add",
            "GlobalMaxPool",
            "Flatten",
            "Gemm",
            "ReduceL2",
            "Max",
            "Div",
            "Unsqueeze",
            "Mul",
            "ReduceSum")
        .doesNotContain("Dropout");
    // 20 convs per trunk (stem, 16 in blocks, 3 shortcuts) + the visual projection.
    assertThat(ops.stream().filter("Conv"::equals).count()).isEqualTo(41);
    assertThat(ops.stream().filter("BatchNormalization"::equals).count()).isEqualTo(40);
    assertThat(ops.stream().filter("Add"::equals).count()).isEqualTo(16);
  }

  @Test
  void dynamicVariantHasSymbolicBatchAndFramesAndTheDocumentedOutputs() {
    AvLocalizerConfig c = net.config();
    GraphProto g = OnnxExporter.export(net, OnnxSignature.dynamic()).getGraph();

    assertThat(g.getInputList())
        .extracting(ValueInfoProto::getName)
        .containsExactly("image", "spectrogram");
    assertThat(g.getOutputList())
        .extracting(ValueInfoProto::getName)
        .containsExactly("simmap", "audio_emb", "visual_map");
    Map<String, ValueInfoProto> in = byName(g.getInputList());
    Map<String, ValueInfoProto> out = byName(g.getOutputList());
    assertThat(dims(in.get("image"))).containsExactly("N", 3L, 160L, 160L);
    assertThat(dims(in.get("spectrogram"))).containsExactly("N", 1L, 257L, "T");
    assertThat(dims(out.get("simmap"))).containsExactly("N", 5L, 5L);
    assertThat(dims(out.get("audio_emb"))).containsExactly("N", (long) c.embeddingDim());
    assertThat(dims(out.get("visual_map"))).containsExactly("N", (long) c.embeddingDim(), 5L, 5L);
  }

  @Test
  void fixedVariantFixesEveryDimension() {
    GraphProto g = OnnxExporter.export(net, OnnxSignature.fixed(8, 200)).getGraph();

    for (ValueInfoProto v : g.getInputList()) {
      assertThat(v.getType().getTensorType().getShape().getDimList())
          .allMatch(TensorShapeProto.Dimension::hasDimValue);
    }
    for (ValueInfoProto v : g.getOutputList()) {
      assertThat(v.getType().getTensorType().getShape().getDimList())
          .allMatch(TensorShapeProto.Dimension::hasDimValue);
    }
    assertThat(dims(byName(g.getInputList()).get("spectrogram")))
        .containsExactly(8L, 1L, 257L, 200L);
    assertThat(dims(byName(g.getOutputList()).get("simmap"))).containsExactly(8L, 5L, 5L);
  }

  @Test
  void batchNormEpsilonIsPyTorchsAndL2EpsilonIsFNormalizes() {
    GraphProto g = OnnxExporter.export(net, OnnxSignature.dynamic()).getGraph();

    for (NodeProto node : g.getNodeList()) {
      if (node.getOpType().equals("BatchNormalization")) {
        AttributeProto eps =
            node.getAttributeList().stream()
                .filter(a -> a.getName().equals("epsilon"))
                .findFirst()
                .orElseThrow();
        assertThat(eps.getF()).isEqualTo(1e-5f);
      }
    }
    Map<String, TensorProto> init =
        g.getInitializerList().stream()
            .collect(Collectors.toMap(TensorProto::getName, Function.identity()));
    for (String name : List.of("visual.norm.eps", "audio.norm.eps")) {
      assertThat(floats(init.get(name))).containsExactly(1e-12f);
    }
  }

  @Test
  void everyParameterBecomesOneLittleEndianFloatInitializer() {
    GraphProto g = OnnxExporter.export(net, OnnxSignature.dynamic()).getGraph();
    Map<String, TensorProto> init =
        g.getInitializerList().stream()
            .collect(Collectors.toMap(TensorProto::getName, Function.identity()));

    long exported =
        g.getInitializerList().stream()
            .filter(
                t -> t.getDataType() == TensorProto.DataType.FLOAT_VALUE && t.getDimsCount() > 0)
            .mapToLong(t -> t.getRawData().size() / Float.BYTES)
            .sum();
    long params = 0;
    for (Parameter p : net.getParameters().values()) {
      params += p.getShape().size();
    }
    assertThat(exported).isEqualTo(params);

    Parameter stem = net.visualTrunk().torchvisionParameters().get("conv1.weight");
    TensorProto t = init.get("visual.conv1.weight");
    assertThat(t.getDimsList()).containsExactly(16L, 3L, 7L, 7L);
    assertThat(floats(t)).isEqualTo(stem.getArray().toFloatArray());
    Parameter runningVar =
        net.audioTrunk().torchvisionParameters().get("layer4.0.downsample.1.running_var");
    assertThat(floats(init.get("audio.layer4.0.downsample.1.running_var")))
        .isEqualTo(runningVar.getArray().toFloatArray());
  }

  @Test
  void refusesAnUninitialisedNetwork() {
    AvLocalizer fresh = new AvLocalizer(Preset.LITE);

    assertThatThrownBy(() -> OnnxExporter.export(fresh, OnnxSignature.dynamic()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("initialize the network");
  }

  private static float[] floats(TensorProto t) {
    ByteBuffer buf = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    float[] out = new float[buf.remaining() / Float.BYTES];
    buf.asFloatBuffer().get(out);
    return out;
  }
}
