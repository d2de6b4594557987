package io.avloc.modelserver.engine;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoopTranslator;
import ai.djl.util.cuda.CudaUtils;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import io.avloc.core.artifact.InvalidArtifactException;
import io.avloc.core.artifact.ModelArtifact;
import io.avloc.core.artifact.ModelManifest;
import io.avloc.core.detector.DetectorTrunk;
import io.avloc.core.model.AvLocalizer;
import io.avloc.core.model.AvLocalizerConfig;
import io.avloc.core.model.Preset;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads a model artifact on the first engine of a configured order that works on this machine.
 *
 * <p>Each engine is tried in turn: its runtime must load (native libraries, GPU, execution
 * providers), the model must load on it and, with {@link EngineOptions#warmup()}, warm-up batches
 * of 1 and {@link EngineOptions#maxBatch()} samples must give outputs of the right sizes with
 * finite values. An engine that fails is logged once per reason (a WARN line naming the engine, the
 * reason and the next engine tried) and recorded as an {@link EngineAttempt}; the next one is
 * tried.
 *
 * <p>Engines: {@link EngineKind#ONNXRUNTIME} runs {@code model.onnx} on the CPU; {@link
 * EngineKind#TENSORRT} runs the fixed-batch {@code model-b<N>.onnx} graphs (a {@code
 * model-b<N>.trt} serialized engine listed in the manifest is preferred for its batch size) for
 * every N up to {@code maxBatch} (the smallest if none is), padding and splitting batches onto
 * them; {@link EngineKind#ONNXRUNTIME_GPU} runs {@code model.onnx} with ONNX Runtime's CUDA
 * execution provider (its TensorRT provider where CUDA's is absent); {@link EngineKind#PYTORCH}
 * builds the network of the manifest's preset and loads {@code model.params}.
 */
public final class Engines {

  private static final Logger LOG = LoggerFactory.getLogger(Engines.class);

  private static final Pattern FIXED_GRAPH = Pattern.compile("model-b(\\d+)\\.(onnx|trt)");

  /** Why an engine's runtime cannot load here, by engine ("" = it loads); decided once per JVM. */
  private static final Map<EngineKind, String> RUNTIME = new ConcurrentHashMap<>();

  /** Failures already logged at WARN, as engine id + reason. */
  private static final Set<String> LOGGED = ConcurrentHashMap.newKeySet();

  private Engines() {}

  /**
   * Loads {@code artifact} (already verified by {@link ModelArtifact#load}) on the first engine of
   * {@code order} that loads it and passes warm-up.
   *
   * @throws NoEngineException when none does; it lists every engine's reason
   */
  public static EngineSelection load(
      ModelArtifact artifact, List<EngineKind> order, EngineOptions options) {
    Objects.requireNonNull(artifact, "artifact");
    Objects.requireNonNull(options, "options");
    if (order.isEmpty()) {
      throw new IllegalArgumentException("the engine order is empty");
    }
    List<EngineAttempt> attempts = new ArrayList<>();
    for (int i = 0; i < order.size(); i++) {
      EngineKind kind = order.get(i);
      long t0 = System.nanoTime();
      InferenceEngine engine = null;
      try {
        engine = open(kind, artifact, options);
        if (options.warmup()) {
          warmUp(engine, options.maxBatch());
        }
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        attempts.add(EngineAttempt.succeeded(kind, took));
        LOG.info(
            "model {} loaded on {} from {} in {} ms{}",
            artifact.manifest().id(),
            engine.name(),
            artifact.dir(),
            took.toMillis(),
            options.warmup() ? " (warm-up included)" : "");
        return new EngineSelection(engine, attempts);
      } catch (RuntimeException | LinkageError e) {
        if (engine != null) {
          closeQuietly(engine);
        }
        String reason = reason(e);
        attempts.add(EngineAttempt.failed(kind, reason, Duration.ofNanos(System.nanoTime() - t0)));
        String next = i + 1 < order.size() ? "trying " + order.get(i + 1).id() : "no engine left";
        if (LOGGED.add(kind.id() + "|" + reason)) {
          LOG.warn(
              "engine {} cannot run model {}: {}; {}",
              kind.id(),
              artifact.manifest().id(),
              reason,
              next);
        } else {
          LOG.debug(
              "engine {} cannot run model {}: {}", kind.id(), artifact.manifest().id(), reason);
        }
      }
    }
    throw new NoEngineException(artifact.manifest().id(), attempts);
  }

  /**
   * Whether an engine's runtime loads on this machine, without a model: native libraries, a GPU for
   * the GPU engines, the CUDA/TensorRT execution providers for {@code onnxruntime-gpu}. The answer
   * is decided on the first call and kept (a native library that failed to load does not load later
   * in the same JVM).
   */
  public static EngineAttempt check(EngineKind kind) {
    long t0 = System.nanoTime();
    String reason = runtimeProblem(kind);
    Duration took = Duration.ofNanos(System.nanoTime() - t0);
    return reason.isEmpty()
        ? EngineAttempt.succeeded(kind, took)
        : EngineAttempt.failed(kind, reason, took);
  }

  private static InferenceEngine open(
      EngineKind kind, ModelArtifact artifact, EngineOptions options) {
    String problem = runtimeProblem(kind);
    if (!problem.isEmpty()) {
      throw new EngineUnavailable(problem);
    }
    return switch (kind) {
      case ONNXRUNTIME -> onnxRuntimeCpu(artifact, options.cpuThreads());
      case ONNXRUNTIME_GPU -> onnxRuntime(artifact, Device.gpu(), gpuProviderOptions());
      case TENSORRT -> tensorRt(artifact, options);
      case PYTORCH -> pytorch(artifact);
    };
  }

  /**
   * ONNX Runtime on the CPU: with {@code threads} = 0 one call per batch on the runtime's own
   * intra-op pool; otherwise single-threaded calls, a batch split over {@code threads} of them at
   * once ({@link SplitBatchEngine}).
   */
  private static InferenceEngine onnxRuntimeCpu(ModelArtifact artifact, int threads) {
    if (threads == 0) {
      return onnxRuntime(artifact, Device.cpu(), Map.of());
    }
    InferenceEngine single = onnxRuntime(artifact, Device.cpu(), Map.of("intraOpNumThreads", "1"));
    return threads == 1 ? single : new SplitBatchEngine(single, threads);
  }

  private static String runtimeProblem(EngineKind kind) {
    return RUNTIME.computeIfAbsent(
        kind,
        k -> {
          try {
            return switch (k) {
              case ONNXRUNTIME -> {
                Engine.getEngine("OnnxRuntime");
                yield "";
              }
              case ONNXRUNTIME_GPU -> onnxRuntimeGpuProblem();
              case TENSORRT -> tensorRtProblem();
              case PYTORCH -> {
                Engine.getEngine("PyTorch");
                yield "";
              }
            };
          } catch (RuntimeException | LinkageError e) {
            return reason(e);
          }
        });
  }

  private static String onnxRuntimeGpuProblem() {
    // DJL's engine must create the OrtEnvironment before anything else touches ONNX Runtime.
    Engine.getEngine("OnnxRuntime");
    EnumSet<OrtProvider> providers = OrtEnvironment.getAvailableProviders();
    if (!providers.contains(OrtProvider.CUDA) && !providers.contains(OrtProvider.TENSOR_RT)) {
      return "onnxruntime_gpu not installed: the CPU onnxruntime jar is on the classpath"
          + " (execution providers: "
          + providers
          + "); replace com.microsoft.onnxruntime:onnxruntime by onnxruntime_gpu";
    }
    if (CudaUtils.getGpuCount() == 0) {
      return "no CUDA GPU visible (ONNX Runtime execution providers: " + providers + ")";
    }
    return "";
  }

  private static String tensorRtProblem() {
    String engine;
    try {
      Engine.getEngine("TensorRT");
      engine = "";
    } catch (RuntimeException | LinkageError e) {
      engine = reason(e);
    }
    boolean gpu = CudaUtils.getGpuCount() > 0;
    if (engine.isEmpty()) {
      return gpu ? "" : "no CUDA GPU visible (TensorRT runs on GPUs only)";
    }
    return engine + (gpu ? "" : "; and no CUDA GPU is visible");
  }

  private static Map<String, String> gpuProviderOptions() {
    // DJL adds the CUDA provider for a GPU device; its "ortDevice" option picks TensorRT instead.
    return OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA)
        ? Map.of()
        : Map.of("ortDevice", "TensorRT");
  }

  private static InferenceEngine onnxRuntime(
      ModelArtifact artifact, Device device, Map<String, String> options) {
    EngineKind kind = device.isGpu() ? EngineKind.ONNXRUNTIME_GPU : EngineKind.ONNXRUNTIME;
    ZooModel<NDList, NDList> model = loadGraph(artifact, "OnnxRuntime", device, options, "model");
    return new DjlEngine(kind, artifact.manifest(), Map.of(DjlEngine.DYNAMIC, model));
  }

  private static InferenceEngine tensorRt(ModelArtifact artifact, EngineOptions options) {
    Map<String, String> trtOptions = new LinkedHashMap<>();
    trtOptions.put("fp16", Boolean.toString(options.fp16()));
    trtOptions.put("maxBatchSize", "0"); // explicit batch: the graphs carry their batch size
    return fixedBatch(
        EngineKind.TENSORRT, "TensorRT", Device.gpu(), trtOptions, artifact, options.maxBatch());
  }

  /** An engine over the artifact's fixed-batch graphs up to {@code maxBatch} on a DJL engine. */
  static InferenceEngine fixedBatch(
      EngineKind kind,
      String djlEngine,
      Device device,
      Map<String, String> options,
      ModelArtifact artifact,
      int maxBatch) {
    SortedMap<Integer, String> files = fixedGraphs(artifact.manifest(), maxBatch);
    Map<Integer, ZooModel<NDList, NDList>> graphs = new LinkedHashMap<>();
    try {
      for (Map.Entry<Integer, String> f : files.entrySet()) {
        String file = f.getValue();
        String name = file.substring(0, file.lastIndexOf('.'));
        graphs.put(
            f.getKey(), loadGraph(artifact, djlEngine, device, options, name, artifact.file(file)));
      }
      return new DjlEngine(kind, artifact.manifest(), graphs);
    } catch (RuntimeException e) {
      graphs.values().forEach(ZooModel::close);
      throw e;
    }
  }

  /**
   * The fixed-batch graphs TensorRT loads: {@code model-b<N>.trt} (else {@code .onnx}) for every N
   * up to {@code maxBatch}, or the smallest N when none is that small.
   */
  static SortedMap<Integer, String> fixedGraphs(ModelManifest manifest, int maxBatch) {
    TreeMap<Integer, String> all = new TreeMap<>();
    for (String file : manifest.files().keySet()) {
      Matcher m = FIXED_GRAPH.matcher(file);
      if (m.matches()) {
        int batch = Integer.parseInt(m.group(1));
        if (m.group(2).equals("trt")) {
          all.put(batch, file);
        } else {
          all.putIfAbsent(batch, file);
        }
      }
    }
    if (all.isEmpty()) {
      throw new InvalidArtifactException(
          manifest.id()
              + " has no fixed-batch graph (model-b<N>.onnx) for TensorRT; export it with"
              + " fixed batch sizes ('avloc model init --fixed-batches 1,8')");
    }
    SortedMap<Integer, String> upTo = all.headMap(maxBatch, true);
    return new TreeMap<>(upTo.isEmpty() ? all.headMap(all.firstKey(), true) : upTo);
  }

  private static ZooModel<NDList, NDList> loadGraph(
      ModelArtifact artifact,
      String engine,
      Device device,
      Map<String, String> options,
      String name) {
    return loadGraph(artifact, engine, device, options, name, artifact.onnx());
  }

  private static ZooModel<NDList, NDList> loadGraph(
      ModelArtifact artifact,
      String engine,
      Device device,
      Map<String, String> options,
      String name,
      java.nio.file.Path file) {
    Criteria.Builder<NDList, NDList> b =
        Criteria.builder()
            .setTypes(NDList.class, NDList.class)
            .optModelPath(file)
            .optModelName(name)
            .optEngine(engine)
            .optDevice(device)
            .optTranslator(new NoopTranslator());
    options.forEach(b::optOption);
    try {
      return b.build().loadModel();
    } catch (IOException | ai.djl.ModelException e) {
      throw new InvalidArtifactException(
          engine + " cannot load " + file + ": " + e.getMessage(), e);
    }
  }

  private static InferenceEngine pytorch(ModelArtifact artifact) {
    ModelManifest manifest = artifact.manifest();
    if (DetectorTrunk.nodeOf(manifest.network()) != null) {
      throw new InvalidArtifactException(
          manifest.id()
              + ": its visual trunk is the frozen CenterNet detector, which exists only in"
              + " model.onnx (model.params holds the head alone); run it on onnxruntime,"
              + " onnxruntime-gpu or tensorrt");
    }
    AvLocalizerConfig config = Preset.of(manifest.preset()).config();
    ModelShape declared = ModelShape.of(manifest);
    if (config.imageSize() != declared.imageSize()
        || config.frequencyBins() != declared.frequencyBins()
        || config.mapSize() != declared.mapHeight()
        || config.embeddingDim() != declared.embeddingDim()) {
      throw new InvalidArtifactException(
          manifest.id()
              + ": the manifest's shapes "
              + declared
              + " are not those of preset '"
              + manifest.preset()
              + "' "
              + config
              + "; PyTorch rebuilds the network from the preset, so it cannot run this model");
    }
    Engine torch = Engine.getEngine("PyTorch");
    Model model = Model.newInstance(manifest.id(), torch.defaultDevice(), "PyTorch");
    try {
      AvLocalizer net = new AvLocalizer(config);
      model.setBlock(net);
      net.initialize(model.getNDManager(), DataType.FLOAT32, config.inputShapes(1));
      artifact.loadParameters(model);
      // Inference only: no autograd graph, whatever the calling thread's grad mode.
      for (Parameter p : net.getParameters().values()) {
        p.getArray().setRequiresGradient(false);
      }
      return new DjlEngine(EngineKind.PYTORCH, manifest, Map.of(DjlEngine.DYNAMIC, model));
    } catch (IOException e) {
      model.close();
      throw new UncheckedIOException(
          "cannot read " + artifact.dir() + "/model.params: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

  /**
   * Runs seeded random batches of 1 and {@code maxBatch} samples and checks the outputs: right
   * sizes (checked by the engine), finite values.
   */
  static void warmUp(InferenceEngine engine, int maxBatch) {
    ModelShape s = engine.shape();
    Random random = new Random(42);
    for (int n : maxBatch > 1 ? new int[] {1, maxBatch} : new int[] {1}) {
      float[] images = gaussian(random, n * s.imageFloats());
      float[] specs = gaussian(random, n * s.spectrogramFloats(s.frames()));
      InferenceEngine.Outputs out = engine.run(images, specs, n, s.frames());
      requireFinite(engine, out.simmap(), "simmap");
      requireFinite(engine, out.audioEmbeddings(), "audio_emb");
    }
  }

  private static void requireFinite(InferenceEngine engine, float[] values, String what) {
    for (float v : values) {
      if (!Float.isFinite(v)) {
        throw new IllegalStateException(
            "warm-up on "
                + engine.name()
                + " gave a non-finite "
                + what
                + " value ("
                + v
                + ") for "
                + engine.manifest().id());
      }
    }
  }

  private static float[] gaussian(Random random, int size) {
    float[] a = new float[size];
    for (int i = 0; i < size; i++) {
      a[i] = (float) random.nextGaussian();
    }
    return a;
  }

  /**
   * The messages of a failure's cause chain, outermost first, without repeats: e.g. "Failed to load
   * TensorRT native library: .../libdjl_trt.so: libnvonnxparser.so.8: cannot open shared object
   * file: No such file or directory".
   */
  static String reason(Throwable e) {
    List<String> parts = new ArrayList<>();
    for (Throwable t = e; t != null && parts.size() < 8; t = t.getCause()) {
      String m = t.getMessage();
      if (m == null || m.isBlank()) {
        continue;
      }
      m = m.strip();
      String last = parts.isEmpty() ? "" : parts.get(parts.size() - 1);
      if (!last.contains(m)) {
        parts.add(m);
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return parts.isEmpty() ? e.getClass().getSimpleName() : String.join(": ", parts);
  }

  private static void closeQuietly(InferenceEngine engine) {
    try {
      engine.close();
    } catch (RuntimeException e) {
      LOG.debug("closing {} after a failed load: {}", engine, e.toString());
    }
  }

  /** An engine's runtime does not load here; the message is the reason. */
  private static final class EngineUnavailable extends RuntimeException {
    private static final long serialVersionUID = 1L;

    EngineUnavailable(String reason) {
      super(reason, null, false, false);
    }
  }
}
