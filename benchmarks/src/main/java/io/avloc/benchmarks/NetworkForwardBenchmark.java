package io.avloc.benchmarks;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;
import io.avloc.core.model.AvLocalizer;
import io.avloc.core.model.AvLocalizerConfig;
import io.avloc.core.model.Preset;
import io.avloc.core.onnx.OnnxExporter;
import io.avloc.core.onnx.OnnxSignature;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Inference forward of {@link AvLocalizer} per preset and batch size, on the DJL PyTorch engine
 * (the block itself) and on DJL's ONNX Runtime engine (the exported dynamic graph), in one run so
 * the engines compare side by side. Each op is one batch; samples/s = ops/s × batch, and the FLOP
 * rate = samples/s × {@link NetworkFlops#perSample}. Run with {@link GemmPeakBenchmark} for the
 * machine's matrix-multiply peak in the same run:
 *
 * <pre>benchmarks/run 'NetworkForwardBenchmark|GemmPeakBenchmark' -f 1</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx6g", "-Dai.djl.offline=true"})
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 4)
public class NetworkForwardBenchmark {

  @Param({"lite", "paper"})
  public String preset;

  @Param({"1", "8"})
  public int batch;

  @Param({"PyTorch", "OnnxRuntime"})
  public String engine;

  private Model torchModel;
  private ZooModel<NDList, NDList> onnxModel;
  private Predictor<NDList, NDList> predictor;
  private NDManager inputs;
  private NDList batchInputs;
  private Path dir;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    Engine.getEngine("OnnxRuntime"); // must own the OrtEnvironment before anything else
    Engine torch = Engine.getEngine("PyTorch");
    torch.setRandomSeed(1);
    AvLocalizerConfig config = Preset.of(preset).config();
    AvLocalizer net = new AvLocalizer(config);
    torchModel = Model.newInstance("avloc", "PyTorch");
    torchModel.setBlock(net);
    net.initialize(torchModel.getNDManager(), DataType.FLOAT32, config.inputShapes(1));
    if (engine.equals("PyTorch")) {
      predictor = torchModel.newPredictor(new NoopTranslator());
      inputs = torchModel.getNDManager().newSubManager();
    } else {
      dir = Files.createTempDirectory("avloc-bench-");
      Path onnx = dir.resolve("model.onnx");
      OnnxExporter.write(net, OnnxSignature.dynamic(), onnx);
      onnxModel =
          Criteria.builder()
              .setTypes(NDList.class, NDList.class)
              .optModelPath(onnx)
              .optEngine("OnnxRuntime")
              .optTranslator(new NoopTranslator())
              .build()
              .loadModel();
      predictor = onnxModel.newPredictor();
      inputs = onnxModel.getNDManager().newSubManager();
    }
    // ONNX Runtime's manager has no random generator: feed the same seeded data to both engines.
    batchInputs =
        new NDList(
            inputs.create(gaussian(config.imageShape(batch).size(), 1), config.imageShape(batch)),
            inputs.create(
                gaussian(config.spectrogramShape(batch).size(), 2),
                config.spectrogramShape(batch)));
    batchInputs.get(0).setName("image");
    batchInputs.get(1).setName("spectrogram");
  }

  private static float[] gaussian(long n, long seed) {
    java.util.Random r = new java.util.Random(seed);
    float[] a = new float[Math.toIntExact(n)];
    for (int i = 0; i < a.length; i++) {
      a[i] = (float) r.nextGaussian();
    }
    return a;
  }

  @Benchmark
  public NDList forward() throws TranslateException {
    NDList out = predictor.predict(batchInputs);
    // Materialize the result so lazy engines cannot skip the work.
    out.get(0).toFloatArray();
    return out;
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    predictor.close();
    inputs.close();
    if (onnxModel != null) {
      onnxModel.close();
    }
    torchModel.close();
    if (dir != null) {
      Files.deleteIfExists(dir.resolve("model.onnx"));
      Files.deleteIfExists(dir);
    }
  }
}
