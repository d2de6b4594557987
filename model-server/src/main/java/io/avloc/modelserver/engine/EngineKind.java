package io.avloc.modelserver.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The inference engines avloc can run a model artifact on, each through DJL. The configuration
 * names them by {@link #id()} in an ordered list (first that loads wins), e.g. {@code
 * tensorrt,onnxruntime}.
 */
public enum EngineKind {
  /** DJL's ONNX Runtime engine on the CPU, dynamic-batch {@code model.onnx}: the default. */
  ONNXRUNTIME("onnxruntime", "OnnxRuntime"),
  /**
   * DJL's TensorRT engine on a GPU (TensorRT 8 + CUDA installed), the fixed-batch {@code
   * model-b<N>.onnx} graphs (or serialized {@code model-b<N>.trt} engines) of the artifact.
   */
  TENSORRT("tensorrt", "TensorRT"),
  /**
   * DJL's ONNX Runtime engine with the CUDA (else TensorRT) execution provider, where the {@code
   * onnxruntime_gpu} jar replaces the CPU one.
   */
  ONNXRUNTIME_GPU("onnxruntime-gpu", "OnnxRuntime-GPU"),
  /** DJL's PyTorch engine running the network definition with {@code model.params}. */
  PYTORCH("pytorch", "PyTorch");

  /** The default order: ONNX Runtime on the CPU only, which runs anywhere Java runs. */
  public static final List<EngineKind> DEFAULT_ORDER = List.of(ONNXRUNTIME);

  private final String id;
  private final String displayName;

  EngineKind(String id, String displayName) {
    this.id = id;
    this.displayName = displayName;
  }

  /** The configuration name: {@code onnxruntime}, {@code tensorrt}, ... */
  public String id() {
    return id;
  }

  /** The name in logs and in the {@code engine} tag of the meters, e.g. {@code OnnxRuntime}. */
  public String displayName() {
    return displayName;
  }

  /** The kind with this configuration id, ignoring case and surrounding blanks. */
  public static EngineKind of(String id) {
    String wanted = id == null ? "" : id.strip().toLowerCase(Locale.ROOT);
    for (EngineKind k : values()) {
      if (k.id.equals(wanted)) {
        return k;
      }
    }
    throw new IllegalArgumentException(
        "unknown engine '" + id + "'; known engines: " + ids(List.of(values())));
  }

  /**
   * An engine order from a comma-separated list such as {@code tensorrt, onnxruntime}.
   *
   * @throws IllegalArgumentException for an empty list, an unknown id or a repeated one
   */
  public static List<EngineKind> parseOrder(String csv) {
    List<EngineKind> order = new ArrayList<>();
    for (String part : (csv == null ? "" : csv).split(",")) {
      if (part.isBlank()) {
        continue;
      }
      EngineKind k = of(part);
      if (order.contains(k)) {
        throw new IllegalArgumentException(
            "engine '" + k.id + "' is listed twice in '" + csv + "'");
      }
      order.add(k);
    }
    if (order.isEmpty()) {
      throw new IllegalArgumentException(
          "the engine list is empty; name at least one of " + ids(List.of(values())));
    }
    return List.copyOf(order);
  }

  /** Comma-separated ids, the inverse of {@link #parseOrder}. */
  public static String ids(List<EngineKind> kinds) {
    return kinds.stream().map(EngineKind::id).collect(Collectors.joining(","));
  }
}
