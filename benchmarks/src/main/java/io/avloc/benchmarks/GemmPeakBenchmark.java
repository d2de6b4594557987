package io.avloc.benchmarks;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
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
 * The machine's practical float32 matrix-multiply peak through libtorch (the engine's own BLAS): an
 * n×n by n×n product is 2n³ FLOPs, so GFLOP/s = ops/s × 2n³ / 1e9. The reference against which
 * {@link NetworkForwardBenchmark}'s achieved FLOP rate is read.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Dai.djl.offline=true"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class GemmPeakBenchmark {

  @Param({"1024"})
  public int n;

  private NDManager manager;
  private NDArray a;
  private NDArray b;

  @Setup(Level.Trial)
  public void setUp() {
    manager = Engine.getEngine("PyTorch").newBaseManager();
    a = manager.randomNormal(new Shape(n, n));
    b = manager.randomNormal(new Shape(n, n));
  }

  @Benchmark
  public float matmul() {
    try (NDArray c = a.matMul(b)) {
      return c.getFloat(0, 0);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    manager.close();
  }
}
