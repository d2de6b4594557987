package io.avloc.benchmarks;

import io.avloc.modelserver.batch.BatchRunner;
import io.avloc.modelserver.batch.BatcherConfig;
import io.avloc.modelserver.batch.DynamicBatcher;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Cost of the {@link DynamicBatcher} over calling the batch function directly, at the same batch
 * size ({@value #BATCH}). The fake engine busy-spins {@code spinMicros} per batch: 0 shows the raw
 * per-request overhead, 1000 (about 1 ms, a realistic small-model forward) shows what it costs in
 * serving throughput; the goal there is at most 5 % below {@code direct}. Scores are requests per
 * second.
 *
 * <ul>
 *   <li>{@code direct}: the batch function called on a ready batch.
 *   <li>{@code batcherSync}: submit a full batch, wait for it (one batch in flight, so every
 *       hand-off to and from the worker thread is on the critical path).
 *   <li>{@code batcherPipelined}: submit a full batch, then wait for the one submitted before it
 *       (two in flight, as a streaming caller does: the worker never waits for the caller).
 * </ul>
 *
 * Run: {@code benchmarks/run BatcherOverhead -f 1 -wi 2 -i 3 -w 2 -r 3}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class BatcherOverheadBenchmark {

  static final int BATCH = 8;

  @Param({"0", "1000"})
  public long spinMicros;

  private BatchRunner<Integer, Integer> engine;
  private DynamicBatcher<Integer, Integer> batcher;
  private List<Integer> inputs;
  private final ArrayDeque<List<CompletableFuture<Integer>>> inFlight = new ArrayDeque<>();

  @Setup
  public void setUp() {
    long spinNanos = TimeUnit.MICROSECONDS.toNanos(spinMicros);
    engine =
        batch -> {
          long end = System.nanoTime() + spinNanos;
          while (System.nanoTime() - end < 0) {
            Thread.onSpinWait();
          }
          return batch;
        };
    batcher =
        new DynamicBatcher<>(
            BatcherConfig.builder()
                .name("bench")
                .maxBatchSize(BATCH)
                .maxQueueDelay(Duration.ofMillis(5))
                .build(),
            engine);
    inputs = new ArrayList<>(BATCH);
    for (int i = 0; i < BATCH; i++) {
      inputs.add(i);
    }
  }

  @TearDown
  public void tearDown() {
    batcher.close();
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void direct(Blackhole bh) throws Exception {
    bh.consume(engine.run(inputs));
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void batcherSync(Blackhole bh) {
    List<CompletableFuture<Integer>> futures = submitBatch();
    for (CompletableFuture<Integer> f : futures) {
      bh.consume(f.join());
    }
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void batcherPipelined(Blackhole bh) {
    inFlight.addLast(submitBatch());
    if (inFlight.size() > 1) {
      for (CompletableFuture<Integer> f : inFlight.removeFirst()) {
        bh.consume(f.join());
      }
    }
  }

  private List<CompletableFuture<Integer>> submitBatch() {
    List<CompletableFuture<Integer>> futures = new ArrayList<>(BATCH);
    for (int i = 0; i < BATCH; i++) {
      futures.add(batcher.submit(inputs.get(i)));
    }
    return futures;
  }
}
