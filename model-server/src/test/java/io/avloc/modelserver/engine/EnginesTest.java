package io.avloc.modelserver.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.util.cuda.CudaUtils;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.avloc.core.artifact.ModelArtifact;
import io.avloc.core.artifact.ModelExporter;
import io.avloc.core.model.Preset;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class EnginesTest {

  @TempDir static Path dir;
  private static ModelArtifact artifact;
  private static ModelShape shape;

  @BeforeAll
  static void export() throws Exception {
    Engine.getEngine("OnnxRuntime");
    artifact =
        ModelExporter.exportUntrained(
            Preset.LITE,
            ModelExporter.Description.untrained("engines-test", "1", 7),
            7,
            dir.resolve("m"));
    shape = ModelShape.of(artifact.manifest());
  }

  private static float[] random(int n, long seed) {
    Random r = new Random(seed);
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) r.nextGaussian();
    }
    return a;
  }

  private static InferenceEngine.Outputs run(InferenceEngine engine, int n, long seed) {
    return engine.run(
        random(n * shape.imageFloats(), seed),
        random(n * shape.spectrogramFloats(shape.frames()), seed + 1),
        n,
        shape.frames());
  }

  /** The test's artifact on ONNX Runtime (CPU). */
  private static InferenceEngine onnxRuntime(EngineOptions options) {
    return Engines.load(artifact, List.of(EngineKind.ONNXRUNTIME), options).engine();
  }

  private static double maxAbsDiff(float[] a, float[] b) {
    assertThat(a).hasSameSizeAs(b);
    double max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs(a[i] - b[i]));
    }
    return max;
  }

  @Test
  void aBatchSplitOverSingleThreadedCallsGivesWhatOneCallOnTheRuntimesPoolGives() {
    int n = 5; // 3 threads: parts of 1, 2 and 2 samples
    float[] images = random(n * shape.imageFloats(), 21);
    float[] specs = random(n * shape.spectrogramFloats(shape.frames()), 22);
    try (InferenceEngine pooled = onnxRuntime(EngineOptions.DEFAULTS);
        InferenceEngine split = onnxRuntime(EngineOptions.DEFAULTS.withCpuThreads(3));
        InferenceEngine single = onnxRuntime(EngineOptions.DEFAULTS.withCpuThreads(1))) {
      assertThat(split).isInstanceOf(SplitBatchEngine.class);
      InferenceEngine.Outputs reference = pooled.run(images, specs, n, shape.frames());
      for (InferenceEngine e : List.of(split, single)) {
        InferenceEngine.Outputs out = e.run(images, specs, n, shape.frames());
        assertThat(out.n()).isEqualTo(n);
        assertThat(maxAbsDiff(out.simmap(), reference.simmap())).isLessThan(1e-5);
        assertThat(maxAbsDiff(out.audioEmbeddings(), reference.audioEmbeddings())).isLessThan(1e-5);
      }
      assertThatThrownBy(() -> split.run(images, specs, n + 1, shape.frames()))
          .as("arrays that do not hold n samples are refused as by the engine itself")
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void onnxRuntimeIsTheDefaultAndServesTheArtifactsGraph() throws Exception {
    EngineSelection s = Engines.load(artifact, EngineKind.DEFAULT_ORDER, EngineOptions.DEFAULTS);
    try (InferenceEngine engine = s.engine()) {
      assertThat(engine.kind()).isEqualTo(EngineKind.ONNXRUNTIME);
      assertThat(engine.name()).isEqualTo("OnnxRuntime");
      assertThat(engine.manifest().id()).isEqualTo("engines-test@1");
      assertThat(s.attempts()).singleElement().satisfies(a -> assertThat(a.ok()).isTrue());

      int n = 3;
      float[] images = random(n * shape.imageFloats(), 11);
      float[] specs = random(n * shape.spectrogramFloats(shape.frames()), 12);
      InferenceEngine.Outputs mine = engine.run(images, specs, n, shape.frames());
      // The reference: the graph run on ONNX Runtime's own API, without DJL.
      ai.onnxruntime.OrtEnvironment env = ai.onnxruntime.OrtEnvironment.getEnvironment();
      int size = shape.imageSize();
      try (ai.onnxruntime.OrtSession session =
              env.createSession(
                  artifact.onnx().toString(), new ai.onnxruntime.OrtSession.SessionOptions());
          ai.onnxruntime.OnnxTensor image =
              ai.onnxruntime.OnnxTensor.createTensor(
                  env, java.nio.FloatBuffer.wrap(images), new long[] {n, 3, size, size});
          ai.onnxruntime.OnnxTensor spec =
              ai.onnxruntime.OnnxTensor.createTensor(
                  env,
                  java.nio.FloatBuffer.wrap(specs),
                  new long[] {n, 1, shape.frequencyBins(), shape.frames()});
          ai.onnxruntime.OrtSession.Result out =
              session.run(Map.of("image", image, "spectrogram", spec))) {
        float[] simmap =
            ((ai.onnxruntime.OnnxTensor) out.get("simmap").orElseThrow()).getFloatBuffer().array();
        float[] audio =
            ((ai.onnxruntime.OnnxTensor) out.get("audio_emb").orElseThrow())
                .getFloatBuffer()
                .array();
        assertThat(mine.simmap()).containsExactly(simmap);
        assertThat(mine.audioEmbeddings()).containsExactly(audio);
      }
    }
  }

  @Test
  void pytorchFromModelParamsMatchesOnnxRuntimeOnTheSameInputs() {
    try (InferenceEngine ort = onnxRuntime(EngineOptions.DEFAULTS);
        InferenceEngine torch =
            Engines.load(artifact, List.of(EngineKind.PYTORCH), EngineOptions.DEFAULTS).engine()) {
      assertThat(torch.kind()).isEqualTo(EngineKind.PYTORCH);
      for (int n : new int[] {1, 4}) {
        InferenceEngine.Outputs a = run(ort, n, 100 + n);
        InferenceEngine.Outputs b = run(torch, n, 100 + n);
        assertThat(maxAbsDiff(a.simmap(), b.simmap())).as("simmap, n=%d", n).isLessThan(1e-4);
        assertThat(maxAbsDiff(a.audioEmbeddings(), b.audioEmbeddings()))
            .as("audio embeddings, n=%d", n)
            .isLessThan(1e-4);
      }
    }
  }

  @Test
  void tensorRtThatCannotLoadHereFallsBackToOnnxRuntimeAndRecordsTheEnginesReason() {
    assumeTrue(
        CudaUtils.getGpuCount() == 0, "this machine has a GPU: TensorRT may legitimately load");
    ListAppender<ILoggingEvent> log = capture();
    try {
      List<EngineKind> order = List.of(EngineKind.TENSORRT, EngineKind.ONNXRUNTIME);
      EngineSelection first = Engines.load(artifact, order, EngineOptions.DEFAULTS);
      first.engine().close();
      EngineSelection second = Engines.load(artifact, order, EngineOptions.DEFAULTS);
      second.engine().close();

      assertThat(first.engine().kind()).isEqualTo(EngineKind.ONNXRUNTIME);
      EngineAttempt trt = first.attempts().get(0);
      assertThat(trt.kind()).isEqualTo(EngineKind.TENSORRT);
      assertThat(trt.ok()).isFalse();
      // DJL's own words: the TensorRT 8 library it could not open, or the missing GPU.
      assertThat(trt.reason())
          .containsAnyOf("cannot open shared object file", "no CUDA GPU visible");
      assertThat(first.attempts().get(1).ok()).isTrue();
      assertThat(second.attempts().get(0).reason())
          .as("the same reason on every load")
          .isEqualTo(trt.reason());
      assertThat(Engines.check(EngineKind.TENSORRT).reason()).isEqualTo(trt.reason());

      List<String> warnings =
          log.list.stream()
              .filter(e -> e.getLevel() == Level.WARN)
              .map(ILoggingEvent::getFormattedMessage)
              .filter(m -> m.startsWith("engine tensorrt cannot run model engines-test@1"))
              .toList();
      assertThat(warnings).as("logged once, with the reason and the next engine").hasSize(1);
      assertThat(warnings.get(0)).contains(trt.reason()).endsWith("; trying onnxruntime");
    } finally {
      release(log);
    }
  }

  @Test
  void onnxRuntimeGpuWithoutTheGpuJarSaysSo() {
    // The test classpath holds the CPU onnxruntime jar (model-server/pom.xml).
    EngineAttempt check = Engines.check(EngineKind.ONNXRUNTIME_GPU);
    assertThat(check.ok()).isFalse();
    assertThat(check.reason())
        .startsWith("onnxruntime_gpu not installed: the CPU onnxruntime jar is on the classpath")
        .contains("CPU");
  }

  @Test
  void whenNoEngineLoadsEveryReasonIsReported() {
    assumeTrue(CudaUtils.getGpuCount() == 0, "this machine has a GPU");
    assertThatThrownBy(
            () ->
                Engines.load(
                    artifact,
                    List.of(EngineKind.TENSORRT, EngineKind.ONNXRUNTIME_GPU),
                    EngineOptions.DEFAULTS))
        .isInstanceOfSatisfying(
            NoEngineException.class,
            e -> {
              assertThat(e.attempts())
                  .extracting(EngineAttempt::kind)
                  .containsExactly(EngineKind.TENSORRT, EngineKind.ONNXRUNTIME_GPU);
              assertThat(e.attempts()).noneMatch(EngineAttempt::ok);
            })
        .hasMessageStartingWith("no configured engine could load engines-test@1: tensorrt: ")
        .hasMessageContaining("; onnxruntime-gpu: onnxruntime_gpu not installed")
        .hasMessageContaining("'avloc engines'");
  }

  @Test
  void fixedBatchGraphsPadAndSplitBatchesToTheSameResultsAsTheDynamicGraph() {
    // TensorRT's runner, exercised on ONNX Runtime: the same fixed-shape graphs, padded and split.
    try (InferenceEngine fixed =
            Engines.fixedBatch(
                EngineKind.ONNXRUNTIME, "OnnxRuntime", Device.cpu(), Map.of(), artifact, 8);
        InferenceEngine dynamic = onnxRuntime(EngineOptions.DEFAULTS)) {
      for (int n : new int[] {1, 3, 8, 11}) {
        InferenceEngine.Outputs a = run(fixed, n, 300 + n);
        InferenceEngine.Outputs b = run(dynamic, n, 300 + n);
        assertThat(a.n()).isEqualTo(n);
        assertThat(maxAbsDiff(a.simmap(), b.simmap())).as("simmap, n=%d", n).isLessThan(1e-5);
        assertThat(maxAbsDiff(a.audioEmbeddings(), b.audioEmbeddings()))
            .as("embeddings, n=%d", n)
            .isLessThan(1e-5);
      }
      assertThatThrownBy(
              () ->
                  fixed.run(
                      new float[shape.imageFloats()],
                      new float[shape.spectrogramFloats(100)],
                      1,
                      100))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("exported for 200 spectrogram frames, got 100");
    }
  }

  @Test
  void tensorRtUsesTheFixedGraphsUpToMaxBatch() {
    assertThat(Engines.fixedGraphs(artifact.manifest(), 8))
        .containsExactly(Map.entry(1, "model-b1.onnx"), Map.entry(8, "model-b8.onnx"));
    assertThat(Engines.fixedGraphs(artifact.manifest(), 4))
        .containsExactly(Map.entry(1, "model-b1.onnx"));
  }

  @Test
  void aClosedEngineAndWrongInputsAreRefusedClearly() {
    InferenceEngine engine =
        Engines.load(artifact, EngineKind.DEFAULT_ORDER, EngineOptions.DEFAULTS.withWarmup(false))
            .engine();
    assertThatThrownBy(() -> engine.run(new float[10], new float[257 * 200], 1, 200))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("need 1x3x" + shape.imageSize());
    engine.close();
    assertThatThrownBy(() -> run(engine, 1, 1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("OnnxRuntime engine of engines-test@1 is closed");
  }

  @Test
  void theReasonIsTheCauseChainWithoutRepeats() {
    Throwable e =
        new ExceptionInInitializerError(
            new IllegalStateException(
                "Failed to load X", new UnsatisfiedLinkError("libx.so.8: cannot open")));
    assertThat(Engines.reason(e)).isEqualTo("Failed to load X: libx.so.8: cannot open");
    assertThat(Engines.reason(new RuntimeException(new IllegalStateException("inner"))))
        .isEqualTo("java.lang.IllegalStateException: inner");
  }

  private static ListAppender<ILoggingEvent> capture() {
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    ((Logger) LoggerFactory.getLogger(Engines.class)).addAppender(appender);
    return appender;
  }

  private static void release(ListAppender<ILoggingEvent> appender) {
    ((Logger) LoggerFactory.getLogger(Engines.class)).detachAppender(appender);
  }
}
