package io.avloc.modelserver.registry;

import ai.djl.engine.Engine;
import io.avloc.modelserver.engine.EngineOptions;
import io.avloc.modelserver.engine.ModelShape;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.utils.Utils;

/**
 * Measures {@link ModelRegistry.Lease#run} latency while versions are hot-swapped, against steady
 * state: callers run batches of 1 and 2 on an untrained lite model for a steady phase, then the
 * same while new versions are published one after another. A call counts as "during a swap" when it
 * overlaps the time from a version's publication until the old engine is unloaded. Not a test; run
 * by hand (see docs/model-server.md):
 *
 * <pre>
 * java -Dai.djl.offline=true -cp ... io.avloc.modelserver.registry.SwapLatencyRun
 *     [threads=4] [steadySeconds=20] [swaps=5] [gapSeconds=4]
 * </pre>
 */
public final class SwapLatencyRun {

  private SwapLatencyRun() {}

  private record Call(long startNs, long endNs) {}

  public static void main(String[] args) throws Exception {
    int threads = args.length > 0 ? Integer.parseInt(args[0]) : 4;
    int steadySeconds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    int swaps = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    int gapSeconds = args.length > 3 ? Integer.parseInt(args[3]) : 4;

    Engine.getEngine("OnnxRuntime");
    Path work = Files.createTempDirectory("avloc-swap-latency-");
    try {
      ModelVersions versions = ModelVersions.export("swap-bench", work.resolve("base"));
      Path models = Files.createDirectories(work.resolve("models"));
      versions.publish(models, "1");
      ModelShape shape = ModelShape.of(versions.base.manifest());
      SimpleMeterRegistry meters = new SimpleMeterRegistry();
      RegistryConfig config =
          RegistryConfig.of(models)
              .withEngineOptions(EngineOptions.DEFAULTS.withMaxBatch(2))
              .withSettleTime(Duration.ofMillis(200))
              .withRescanInterval(Duration.ofMinutes(10));

      try (ModelRegistry registry = ModelRegistry.open(config, meters)) {
        List<List<Call>> perThread = new ArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong failures = new AtomicLong();
        List<Thread> callers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          int n = 1 + t % 2;
          float[] images = gaussian(n * shape.imageFloats(), t);
          float[] specs = gaussian(n * shape.spectrogramFloats(shape.frames()), 100 + t);
          List<Call> calls = new ArrayList<>();
          perThread.add(calls);
          Thread caller =
              new Thread(
                  () -> {
                    while (!stop.get()) {
                      long t0 = System.nanoTime();
                      try (ModelRegistry.Lease lease = registry.acquire()) {
                        lease.run(images, specs, n, shape.frames());
                      } catch (RuntimeException e) {
                        failures.incrementAndGet();
                      }
                      calls.add(new Call(t0, System.nanoTime()));
                    }
                  },
                  "caller-" + t);
          callers.add(caller);
        }
        long begin = System.nanoTime();
        callers.forEach(Thread::start);
        Thread.sleep(2000); // let every thread create its predictor and warm up
        long steadyFrom = System.nanoTime();
        Thread.sleep(steadySeconds * 1000L);
        long steadyTo = System.nanoTime();

        List<long[]> windows = new ArrayList<>();
        for (int v = 2; v < 2 + swaps; v++) {
          String version = Integer.toString(v);
          long published = System.nanoTime();
          versions.publish(models, version);
          while (!registry.serving().orElseThrow().version().equals(version)
              || meters.get(RegistryMeters.LOADED).gauge().value() > 1) {
            Thread.sleep(5);
          }
          long drained = System.nanoTime();
          windows.add(new long[] {published, drained});
          System.out.printf(
              "version %s: published -> serving and old engine unloaded in %d ms%n",
              version, (drained - published) / 1_000_000);
          Thread.sleep(gapSeconds * 1000L);
        }
        stop.set(true);
        for (Thread c : callers) {
          c.join();
        }

        List<Long> steady = new ArrayList<>();
        List<Long> during = new ArrayList<>();
        for (List<Call> calls : perThread) {
          for (Call c : calls) {
            long micros = (c.endNs() - c.startNs()) / 1000;
            if (c.startNs() >= steadyFrom && c.endNs() <= steadyTo) {
              steady.add(micros);
            } else if (windows.stream().anyMatch(w -> c.endNs() >= w[0] && c.startNs() <= w[1])) {
              during.add(micros);
            }
          }
        }
        System.out.printf(
            "%d caller threads (batch 1 and 2), lite model on %s, %d swaps, %d failed calls,"
                + " %.0f s total%n",
            threads,
            registry.serving().orElseThrow().engine(),
            swaps,
            failures.get(),
            (System.nanoTime() - begin) / 1e9);
        report("steady state", steady);
        report("during swaps", during);
      }
    } finally {
      Utils.delete(work.toFile());
    }
  }

  private static void report(String what, List<Long> micros) {
    long[] a = micros.stream().mapToLong(Long::longValue).sorted().toArray();
    if (a.length == 0) {
      System.out.printf("%-13s no calls%n", what);
      return;
    }
    System.out.printf(
        "%-13s calls %6d  p50 %7.2f ms  p99 %7.2f ms  max %7.2f ms%n",
        what, a.length, pct(a, 0.50) / 1e3, pct(a, 0.99) / 1e3, a[a.length - 1] / 1e3);
  }

  private static double pct(long[] sorted, double p) {
    int i = (int) Math.ceil(p * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  private static float[] gaussian(int size, long seed) {
    Random r = new Random(seed);
    float[] a = new float[size];
    for (int i = 0; i < size; i++) {
      a[i] = (float) r.nextGaussian();
    }
    return a;
  }
}
