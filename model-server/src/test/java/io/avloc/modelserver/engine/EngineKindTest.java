package io.avloc.modelserver.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class EngineKindTest {

  @Test
  void anOrderIsParsedFromConfigurationIds() {
    assertThat(EngineKind.parseOrder(" TensorRT , onnxruntime-gpu,pytorch,onnxruntime "))
        .containsExactly(
            EngineKind.TENSORRT,
            EngineKind.ONNXRUNTIME_GPU,
            EngineKind.PYTORCH,
            EngineKind.ONNXRUNTIME);
    assertThat(EngineKind.ids(List.of(EngineKind.TENSORRT, EngineKind.ONNXRUNTIME)))
        .isEqualTo("tensorrt,onnxruntime");
  }

  @Test
  void unknownEmptyAndRepeatedEnginesAreRefusedNamingTheKnownOnes() {
    assertThatThrownBy(() -> EngineKind.parseOrder("tensorrt,cuda"))
        .hasMessage(
            "unknown engine 'cuda'; known engines: onnxruntime,tensorrt,onnxruntime-gpu,pytorch");
    assertThatThrownBy(() -> EngineKind.parseOrder(" , "))
        .hasMessageStartingWith("the engine list is empty");
    assertThatThrownBy(() -> EngineKind.parseOrder("onnxruntime,onnxruntime"))
        .hasMessage("engine 'onnxruntime' is listed twice in 'onnxruntime,onnxruntime'");
  }
}
