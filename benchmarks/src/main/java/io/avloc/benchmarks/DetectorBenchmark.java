package io.avloc.benchmarks;

import io.avloc.core.detector.CenterNet;
import io.avloc.core.detector.ClassHeatmaps;
import io.avloc.core.detector.ObjectDetector;
import io.avloc.core.image.RgbImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * CPU cost of the object prior per frame: the COCO CenterNet imported to ONNX and run on ONNX
 * Runtime, one 512×512 frame at a time. {@link #forward} is the network alone; {@link
 * #frameToObjectness} adds what a caller pays around it: a 640×480 decoded frame resized to 512×512
 * (PIL bicubic) and the objectness map (max over the 80 class heatmaps).
 *
 * <p>Needs the model: {@code training/fetch-detector.sh}; {@code -Davloc.detector.dir=DIR} points
 * elsewhere than the default cache.
 *
 * <p>Run: {@code benchmarks/run DetectorBenchmark -f 1 -wi 2 -i 5 -w 5 -r 10}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class DetectorBenchmark {

  private ObjectDetector detector;
  private RgbImage frame;
  private final float[] input = new float[CenterNet.INPUT_SIZE * CenterNet.INPUT_SIZE * 3];

  @Setup
  public void setUp() throws IOException {
    String dir = System.getProperty("avloc.detector.dir");
    detector = ObjectDetector.load(dir != null ? Path.of(dir) : CenterNet.defaultDir());
    SplittableRandom random = new SplittableRandom(3);
    byte[] px = new byte[640 * 480 * 3];
    for (int i = 0; i < px.length; i++) {
      px[i] = (byte) random.nextInt(256);
    }
    frame = new RgbImage(640, 480, px);
    ObjectDetector.input(frame, input, 0);
  }

  @TearDown
  public void tearDown() {
    detector.close();
  }

  /** The imported network on one 512×512 frame. */
  @Benchmark
  public ObjectDetector.Outputs forward() {
    return detector.run(input, 1);
  }

  /** Resize a 640×480 frame, run the network, take the objectness map. */
  @Benchmark
  public double[] frameToObjectness() {
    float[] x = new float[input.length];
    ObjectDetector.input(frame, x, 0);
    ClassHeatmaps heatmaps = detector.run(x, 1).heatmaps(0);
    return heatmaps.objectness();
  }
}
