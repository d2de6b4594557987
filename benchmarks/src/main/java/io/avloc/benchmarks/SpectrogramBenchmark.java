package io.avloc.benchmarks;

import io.avloc.core.artifact.PreprocessingContract;
import io.avloc.core.audio.LogSpectrogram;
import io.avloc.core.audio.Spectrogram;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Log spectrogram of one 3 s window at 16 kHz (48 000 samples → 257 × 200), the per-frame audio
 * cost of serving. Target: at least 2,000 windows per second per core. Run: {@code benchmarks/run
 * SpectrogramBenchmark -f 1 -wi 3 -i 5 -t 1}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SpectrogramBenchmark {

  private Spectrogram spectrogram;
  private float[] window;
  private float[] out;

  @Setup
  public void setUp() {
    spectrogram = PreprocessingContract.standard(224).spectrogram();
    // a tone in noise: the cost does not depend on the content, but keep it realistic
    Random random = new Random(42);
    window = new float[48_000];
    for (int n = 0; n < window.length; n++) {
      window[n] =
          (float) (0.3 * Math.sin(2 * Math.PI * 440 * n / 16_000.0) + 0.05 * random.nextGaussian());
    }
    out = new float[Spectrogram.FREQUENCY_BINS * Spectrogram.frameCount(window.length)];
  }

  /** Windows per second, allocating the result. */
  @Benchmark
  public LogSpectrogram compute() {
    return spectrogram.compute(window);
  }

  /** Windows per second into a reused buffer. */
  @Benchmark
  public float[] computeInto() {
    spectrogram.computeInto(window, out);
    return out;
  }
}
