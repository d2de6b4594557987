package io.avloc.benchmarks;

import io.avloc.core.detector.CenterNet;
import io.avloc.core.detector.ObjectDetector;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * CPU cost of the frozen detector trunk that feeds {@code DetectorHeadLocalizer} in training: the
 * COCO CenterNet cut at one feature node ({@code head}: {@value CenterNet#HEAD_FEATURES}, stride
 * 16, 256 channels; {@code trunk}: {@value CenterNet#TRUNK_FEATURES}, stride 32, 120 channels),
 * imported for a smaller square input, run on ONNX Runtime for a batch of {@code batch} pictures.
 * The score is per batch; divide by {@code batch} for the cost per picture.
 *
 * <p>Run: {@code benchmarks/run DetectorFeaturesBenchmark -f 1 -wi 1 -i 3 -w 5 -r 10}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class DetectorFeaturesBenchmark {

  @Param({"224", "256", "320"})
  public int size;

  @Param({"head", "trunk"})
  public String node;

  @Param({"8"})
  public int batch;

  private ObjectDetector detector;
  private float[] input;

  @Setup
  public void setUp() throws IOException {
    String dir = System.getProperty("avloc.detector.dir");
    String output = node.equals("head") ? CenterNet.HEAD_FEATURES : CenterNet.TRUNK_FEATURES;
    detector =
        ObjectDetector.load(
            dir != null ? Path.of(dir) : CenterNet.defaultDir(), size, List.of(output));
    SplittableRandom random = new SplittableRandom(3);
    input = new float[batch * size * size * 3];
    for (int i = 0; i < input.length; i++) {
      input[i] = random.nextInt(256);
    }
  }

  @TearDown
  public void tearDown() {
    detector.close();
  }

  /** The features of one batch. */
  @Benchmark
  public List<float[]> features() {
    return detector.runNodes(input, batch);
  }
}
