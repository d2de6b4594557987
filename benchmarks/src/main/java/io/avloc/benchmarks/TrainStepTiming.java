package io.avloc.benchmarks;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.avloc.core.model.AvLocalizer;
import io.avloc.core.model.AvLocalizerConfig;
import io.avloc.core.model.Preset;
import io.avloc.training.loss.EzVslLoss;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Times one training step of {@link AvLocalizer} on the DJL PyTorch engine: forward in training
 * mode, the trainer's EZ-VSL loss ({@link EzVslLoss}), backward and an Adam update (lr 1e-4), on
 * random inputs. Warm-up steps are discarded; the report gives the mean, percentiles and the
 * forward / backward / update split.
 *
 * <p>Run after {@code mvn -B -o -q -pl benchmarks -am package -DskipTests}:
 *
 * <pre>
 * java -Dai.djl.offline=true -cp "benchmarks/target/benchmarks.jar:benchmarks/target/lib/*" \
 *     io.avloc.benchmarks.TrainStepTiming [preset=lite] [batch=64] [warmup=3] [steps=10] [dropout=0]
 * </pre>
 *
 * Sizes can be overridden to explore a new preset: {@code image=128 visual=16,32,64,128
 * audio=16,32,64,128 dim=128 frames=200}.
 *
 * <p>On a machine shared with other busy processes, libgomp's default spin-waiting makes PyTorch's
 * two intra-op threads several times slower (7.6 s instead of 1.0 s per lite step here); run with
 * {@code OMP_WAIT_POLICY=PASSIVE} in the environment, or {@code -Dai.djl.pytorch.num_threads=1}.
 *
 * <p>A harness with a main method rather than JMH: one step takes about a second and allocates
 * native tensors, so a plain loop with explicit warm-up measures it as well with less machinery.
 */
public final class TrainStepTiming {

  private TrainStepTiming() {}

  public static void main(String[] args) throws IOException {
    Map<String, String> opts = options(args);
    AvLocalizerConfig preset = Preset.of(opts.getOrDefault("preset", "lite")).config();
    int batch = Integer.parseInt(opts.getOrDefault("batch", "64"));
    int warmup = Integer.parseInt(opts.getOrDefault("warmup", "3"));
    int steps = Integer.parseInt(opts.getOrDefault("steps", "10"));
    // Overrides, for exploring sizes before they become a preset.
    AvLocalizerConfig config =
        new AvLocalizerConfig(
            preset.name(),
            Integer.parseInt(opts.getOrDefault("image", Integer.toString(preset.imageSize()))),
            widths(opts.get("visual"), preset.visualWidths()),
            widths(opts.get("audio"), preset.audioWidths()),
            Integer.parseInt(opts.getOrDefault("dim", Integer.toString(preset.embeddingDim()))),
            preset.tau(),
            Float.parseFloat(opts.getOrDefault("dropout", "0")),
            preset.frequencyBins(),
            Integer.parseInt(opts.getOrDefault("frames", Integer.toString(preset.frames()))));

    Engine engine = Engine.getEngine("PyTorch");
    engine.setRandomSeed(42);
    System.out.printf(
        Locale.ROOT,
        "preset=%s batch=%d image=%d visual=%s audio=%s D=%d spectrogram=%dx%d dropout=%.2f"
            + " torch-threads=%d interop=%d cores=%d loadavg=%s%n",
        config.name(),
        batch,
        config.imageSize(),
        config.visualWidths(),
        config.audioWidths(),
        config.embeddingDim(),
        config.frequencyBins(),
        config.frames(),
        config.visualDropout(),
        JniUtils.getNumThreads(),
        JniUtils.getNumInteropThreads(),
        Runtime.getRuntime().availableProcessors(),
        loadAverage());

    AvLocalizer net = new AvLocalizer(config);
    try (Model model = Model.newInstance("avloc", engine.getEngineName())) {
      model.setBlock(net);
      DefaultTrainingConfig training =
          new DefaultTrainingConfig(Loss.l2Loss()) // unused: the loss is computed below
              .optDevices(new Device[] {Device.cpu()})
              .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(1e-4f)).build());
      try (Trainer trainer = model.newTrainer(training)) {
        trainer.initialize(config.inputShapes(batch));
        double[][] times = new double[steps][];
        for (int i = 0; i < warmup + steps; i++) {
          double[] t = step(trainer, config, batch);
          if (i >= warmup) {
            times[i - warmup] = t;
          }
          System.out.printf(
              Locale.ROOT,
              "%s %2d: %7.1f ms (forward %6.1f, backward %6.1f, adam %5.1f) loss %.4f%n",
              i < warmup ? "warm-up" : "step   ",
              i < warmup ? i + 1 : i - warmup + 1,
              t[0],
              t[1],
              t[2],
              t[3],
              t[4]);
        }
        report(times);
        System.out.println("loadavg after: " + loadAverage());
      }
    }
  }

  /** One step; returns {total, forward, backward, update} in ms and the loss. */
  private static double[] step(Trainer trainer, AvLocalizerConfig config, int batch) {
    try (NDManager data = trainer.getManager().newSubManager()) {
      NDArray image = data.randomNormal(config.imageShape(batch));
      NDArray spectrogram = data.randomNormal(config.spectrogramShape(batch));
      long t0 = System.nanoTime();
      float loss;
      long t1;
      long t2;
      try (GradientCollector gc = trainer.newGradientCollector()) {
        NDList out = trainer.forward(new NDList(image, spectrogram));
        NDArray l = new EzVslLoss(config.tau()).evaluate(new NDList(), out);
        t1 = System.nanoTime();
        gc.backward(l);
        loss = l.getFloat();
        t2 = System.nanoTime();
      }
      trainer.step();
      long t3 = System.nanoTime();
      return new double[] {ms(t3 - t0), ms(t1 - t0), ms(t2 - t1), ms(t3 - t2), loss};
    }
  }

  private static void report(double[][] times) {
    if (times.length == 0) {
      return;
    }
    double[] total = Arrays.stream(times).mapToDouble(t -> t[0]).sorted().toArray();
    double mean = Arrays.stream(total).average().orElse(0);
    System.out.printf(
        Locale.ROOT,
        "train step over %d steps: mean %.1f ms, p50 %.1f ms, p90 %.1f ms, min %.1f ms, max %.1f ms;"
            + " mean forward %.1f, backward %.1f, adam %.1f ms%n",
        total.length,
        mean,
        percentile(total, 0.5),
        percentile(total, 0.9),
        total[0],
        total[total.length - 1],
        Arrays.stream(times).mapToDouble(t -> t[1]).average().orElse(0),
        Arrays.stream(times).mapToDouble(t -> t[2]).average().orElse(0),
        Arrays.stream(times).mapToDouble(t -> t[3]).average().orElse(0));
  }

  /** Nearest-rank percentile of sorted values. */
  private static double percentile(double[] sorted, double q) {
    int rank = (int) Math.ceil(q * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> opts = new HashMap<>();
    for (String a : args) {
      int eq = a.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("arguments are key=value, got " + a);
      }
      opts.put(a.substring(0, eq), a.substring(eq + 1));
    }
    return opts;
  }

  private static List<Integer> widths(String spec, List<Integer> fallback) {
    if (spec == null) {
      return fallback;
    }
    return Arrays.stream(spec.split(",")).map(String::trim).map(Integer::valueOf).toList();
  }

  /** The 1, 5 and 15 minute load averages, to judge how shared the machine was. */
  private static String loadAverage() throws IOException {
    Path proc = Path.of("/proc/loadavg");
    if (!Files.isReadable(proc)) {
      return "n/a";
    }
    String[] f = Files.readString(proc).trim().split("\\s+");
    return f[0] + " " + f[1] + " " + f[2];
  }
}
