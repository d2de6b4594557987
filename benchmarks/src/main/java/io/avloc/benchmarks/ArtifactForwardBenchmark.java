package io.avloc.benchmarks;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.DataType;
import io.avloc.core.artifact.ModelArtifact;
import io.avloc.core.artifact.ModelExporter;
import io.avloc.core.detector.CenterNet;
import io.avloc.core.detector.DetectorTrunk;
import io.avloc.core.model.DetectorHeadLocalizer;
import io.avloc.core.model.Preset;
import io.avloc.modelserver.engine.EngineKind;
import io.avloc.modelserver.engine.EngineOptions;
import io.avloc.modelserver.engine.Engines;
import io.avloc.modelserver.engine.InferenceEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.utils.Utils;
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
 * Forward of whole model artifacts as every path runs them ({@link ModelArtifact#load} → {@link
 * Engines#load} on ONNX Runtime → {@link InferenceEngine#run} on preprocessed inputs), one batch
 * per op, so pairs/s = ops/s × batch. Compares the bundled {@code models/default} with a model on
 * the frozen CenterNet trunk ({@link ModelExporter#exportOnDetector}: the detector to its head
 * features + a lite-audio {@link DetectorHeadLocalizer}, untrained, which costs what a trained one
 * does) at two detector input sizes, in one run. Needs the detector ({@value
 * CenterNet#FETCH_SCRIPT}) and runs from the repository root (or {@code -p defaultModel=DIR}):
 *
 * <pre>OMP_WAIT_POLICY=PASSIVE benchmarks/run ArtifactForwardBenchmark -f 1</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx4g", "-Dai.djl.offline=true"})
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 4, time = 5)
public class ArtifactForwardBenchmark {

  /**
   * {@code default}: the bundled model; {@code detector-<S>}: the composed detector model with an S
   * × S detector input (512: the detector's own; 224: {@code avloc train --detector-trunk}'s
   * default).
   */
  @Param({"default", "detector-512", "detector-224"})
  public String model;

  @Param({"8"})
  public int batch;

  @Param({"models/default"})
  public String defaultModel;

  /**
   * {@link EngineOptions#cpuThreads()}: 0 = ONNX Runtime's own pool, N = the batch split into up to
   * N single-threaded parts run at once (what {@code avloc streams} and {@code avloc serve} load).
   */
  @Param({"0"})
  public int cpuThreads;

  private Path exported;
  private InferenceEngine engine;
  private float[] images;
  private float[] spectrograms;
  private int frames;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    Engine.getEngine("OnnxRuntime"); // must own the OrtEnvironment before anything else
    Path dir;
    if (model.equals("default")) {
      dir = Path.of(defaultModel);
    } else {
      exported = Files.createTempDirectory("avloc-bench-detector-");
      dir = exported.resolve("model");
      Engine torch = Engine.getEngine("PyTorch");
      torch.setRandomSeed(1);
      int size = Integer.parseInt(model.substring(model.indexOf('-') + 1));
      int map = size / CenterNet.HEAD_STRIDE;
      DetectorHeadLocalizer head = new DetectorHeadLocalizer(Preset.LITE.config(), 256);
      try (Model holder = Model.newInstance("head", "PyTorch")) {
        holder.setBlock(head);
        head.initialize(holder.getNDManager(), DataType.FLOAT32, head.inputShapes(1, map, map));
        ModelExporter.exportOnDetector(
            head,
            // as avloc train --detector-trunk SIZE exports it: the mirrored one-cell margin
            new DetectorTrunk(CenterNet.defaultDir(), size, CenterNet.HEAD_FEATURES, true),
            new ModelExporter.Description(
                "detector-head", "bench", "random", Map.of("seed", 1), null, null, List.of()),
            dir);
      }
    }
    ModelArtifact artifact = ModelArtifact.load(dir);
    engine =
        Engines.load(
                artifact,
                List.of(EngineKind.ONNXRUNTIME),
                new EngineOptions(false, batch, true, cpuThreads))
            .engine();
    var contract = artifact.preprocessing();
    frames = contract.frames();
    Random random = new Random(1);
    images = new float[batch * contract.imageFloats()];
    for (int i = 0; i < images.length; i++) {
      images[i] = (float) random.nextGaussian();
    }
    spectrograms = new float[batch * contract.spectrogramFloats()];
    for (int i = 0; i < spectrograms.length; i++) {
      spectrograms[i] = (float) random.nextGaussian();
    }
  }

  @Benchmark
  public InferenceEngine.Outputs forward() {
    return engine.run(images, spectrograms, batch, frames);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    engine.close();
    if (exported != null) {
      Utils.delete(exported.toFile());
    }
  }
}
