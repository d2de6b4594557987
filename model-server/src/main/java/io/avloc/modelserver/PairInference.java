package io.avloc.modelserver;

import io.avloc.core.artifact.PreprocessingContract;
import io.avloc.core.audio.Spectrogram;
import io.avloc.core.detector.ObjectGuidance;
import io.avloc.core.event.HeatmapEvent;
import io.avloc.core.heatmap.HeatmapPostProcessor;
import io.avloc.core.pair.AvPair;
import io.avloc.modelserver.engine.InferenceEngine;
import io.avloc.modelserver.meters.InferenceMeters;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Pairs in, heatmap events out, on a {@link BatchModel}: the one implementation of "pair → heatmap"
 * behind embedded inference in the streams application and behind {@code avloc serve}.
 *
 * <p>Per batch, spread over the calling thread and the other cores ({@link BatchPreprocessor},
 * {@link BatchWorkers}; about half the CPU time per pair for the lite model): decode each frame
 * (once, checked against the image limits before decoding, subsampled towards the model's input
 * size) and resize/normalize it, compute the spectrogram of its audio window, both through the
 * model's {@link PreprocessingContract} (the object the trainer and {@code avloc eval} use, so
 * serving sees exactly the training inputs), run the network once, then post-process each
 * similarity map into the event's grid, peak, boxes and avScore, with the latency breakdown. A
 * model whose graph also gives its detector's class heatmaps ({@link ObjectGuidance}) gets
 * object-guided maps and COCO-labelled boxes from the same pass; avScore stays the audio-visual
 * similarity. A batch holds the model once ({@link BatchModel#hold()}), so with a model registry
 * every event of a batch carries the version that produced it, and a swap takes effect at the next
 * batch.
 *
 * <p>Meters ({@link InferenceMeters}, tagged {@code model} and {@code engine}): {@code
 * avloc.localize.latency} (one batch, decode and preprocessing included) always; {@code
 * avloc.inference.latency} (the engine call only) and {@code avloc.inference.batch.size} unless the
 * held model records them itself (the registry's leases do).
 *
 * <p>Thread-safe when the model is (all {@link BatchModel} factories are).
 */
public final class PairInference implements PairLocalizer {

  private final BatchModel model;
  private final PreprocessingContract preprocessing;
  private final BatchPreprocessor preprocessor;
  private final HeatmapPostProcessor post;
  private final int maxBatch;
  private final LongSupplier wallClockUs;
  private final InferenceMeters inferenceMeters;
  private final Map<List<String>, Meters> meters = new ConcurrentHashMap<>();

  /**
   * @param model the model batches run on; its owner closes it, once no batch runs any more
   * @param maxBatch the largest batch {@link #localize} accepts
   * @param wallClockUs wall clock in µs since the epoch, for the latencies and {@code emittedAtUs}
   */
  public PairInference(
      BatchModel model, int maxBatch, MeterRegistry registry, LongSupplier wallClockUs) {
    this(model, maxBatch, registry, wallClockUs, BatchPreprocessor.defaultParallelism());
  }

  /**
   * @param preprocessThreads threads that preprocess one batch, the caller included ({@link
   *     BatchPreprocessor}); 1 = the calling thread alone
   */
  public PairInference(
      BatchModel model,
      int maxBatch,
      MeterRegistry registry,
      LongSupplier wallClockUs,
      int preprocessThreads) {
    this.model = Objects.requireNonNull(model, "model");
    if (maxBatch <= 0) {
      throw new IllegalArgumentException("maxBatch must be positive: " + maxBatch);
    }
    // A registry only swaps to versions of the same shapes, so the contract stays.
    this.preprocessing = PreprocessingContract.of(model.manifest());
    this.preprocessor = new BatchPreprocessor(preprocessing, preprocessThreads);
    this.post = new HeatmapPostProcessor(HeatmapPostProcessor.Options.DEFAULTS);
    this.maxBatch = maxBatch;
    this.wallClockUs = Objects.requireNonNull(wallClockUs, "wallClockUs");
    this.inferenceMeters =
        InferenceMeters.boundTo(Objects.requireNonNull(registry, "registry"), maxBatch);
    try (BatchModel.Held held = model.hold()) {
      meters(held); // exported from the start, before a batch
    }
  }

  /** The engine meters are null when the held model records them itself. */
  private record Meters(Timer localize, Timer engine, DistributionSummary batchSizes) {}

  private Meters meters(BatchModel.Held held) {
    String modelId = held.manifest().id();
    String engine = held.engine();
    boolean own = !held.recordsInferenceMeters();
    return meters.computeIfAbsent(
        List.of(modelId, engine),
        k ->
            new Meters(
                inferenceMeters.localizeLatency(modelId, engine),
                own ? inferenceMeters.engineLatency(modelId, engine) : null,
                own ? inferenceMeters.batchSize(modelId, engine) : null));
  }

  /** The model's window in samples at 16 kHz, as trained (3 s: 48000). */
  public int windowSamples() {
    return preprocessing.windowSamples();
  }

  /** The preprocessing contract every batch goes through: the model manifest's. */
  @Override
  public PreprocessingContract preprocessing() {
    return preprocessing;
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalArgumentException when the pairs' audio windows differ in length
   */
  @Override
  public List<HeatmapEvent> localize(List<AvPair> pairs, long batchStartUs) {
    int n = pairs.size();
    if (n == 0) {
      return List.of();
    }
    if (n > maxBatch) {
      throw new IllegalArgumentException("batch of " + n + " exceeds maxBatch " + maxBatch);
    }
    try (BatchModel.Held held = model.hold()) {
      return localize(held, pairs, batchStartUs);
    }
  }

  private List<HeatmapEvent> localize(BatchModel.Held held, List<AvPair> pairs, long batchStartUs) {
    int n = pairs.size();
    long t0 = System.nanoTime();
    int imageFloats = preprocessing.imageFloats();
    int bins = preprocessing.frequencyBins();
    int frames = Spectrogram.frameCount(pairs.get(0).audio().length);
    float[] imageBatch = new float[n * imageFloats];
    float[] specBatch = new float[n * bins * frames];
    // Decode and spectrogram of every pair, spread over the cores (order kept; a frame that does
    // not decode is reported by index, see BatchPreprocessor).
    preprocessor.prepare(pairs, imageBatch, specBatch, frames);
    long engineStart = System.nanoTime();
    InferenceEngine.Outputs out = held.run(imageBatch, specBatch, n, frames);
    long end = System.nanoTime();
    long inferenceNanos = end - t0;
    String modelId = held.manifest().id();
    Meters m = meters(held);
    m.localize().record(inferenceNanos, TimeUnit.NANOSECONDS);
    if (m.engine() != null) {
      m.engine().record(end - engineStart, TimeUnit.NANOSECONDS);
      m.batchSizes().record(n);
    }

    HeatmapEvent[] events = new HeatmapEvent[n];
    // A hot swap may change the model between batches, never within one.
    ObjectGuidance guidance =
        out.classHeatmaps() == null ? null : ObjectGuidance.of(held.manifest()).orElse(null);
    long now = wallClockUs.getAsLong();
    double inferenceMs = inferenceNanos / 1e6;
    // Post-processing (upsampling, boxes) costs about as much per pair as preprocessing: spread it
    // over the same workers, each event into its own slot.
    RuntimeException[] failures =
        BatchWorkers.forEach(
            n,
            preprocessor.parallelism(),
            i ->
                events[i] =
                    event(held, pairs.get(i), out, guidance, i, batchStartUs, now, inferenceMs));
    for (RuntimeException e : failures) {
      if (e != null) {
        throw e;
      }
    }
    return Arrays.asList(events);
  }

  private HeatmapEvent event(
      BatchModel.Held held,
      AvPair p,
      InferenceEngine.Outputs out,
      ObjectGuidance guidance,
      int i,
      long batchStartUs,
      long now,
      double inferenceMs) {
    float[] map = out.simmap(i);
    float avScore = Float.NEGATIVE_INFINITY;
    for (float v : map) {
      avScore = Math.max(avScore, v);
    }
    HeatmapPostProcessor.Localization loc =
        guidance == null
            ? post.process(map, out.height(), out.width())
            : guidance.localize(
                post, map, out.height(), out.width(), guidance.heatmaps(out.classHeatmaps(), i));
    double sync = Math.max(0, (p.readyAtUs() - p.arrivedAtUs()) / 1e3);
    double queue = Math.max(0, (batchStartUs - p.readyAtUs()) / 1e3);
    double total = Math.max(0, (now - p.frameTsUs()) / 1e3);
    return new HeatmapEvent(
        p.camera(),
        p.frameTsUs(),
        held.manifest().id(),
        held.manifest().method(),
        loc.grid(),
        loc.peak(),
        Math.max(-1, Math.min(1, avScore)),
        loc.boxes(),
        new HeatmapEvent.AudioWindow(p.audioStartUs(), p.audioEndUs(), p.partial()),
        new HeatmapEvent.Latency(sync, queue, inferenceMs, total),
        now);
  }

  @Override
  public int maxBatch() {
    return maxBatch;
  }

  /** {@code name@version} of the model a batch taken now would run on. */
  @Override
  public String modelId() {
    return model.manifest().id();
  }

  /** The model is closed by its owner. */
  @Override
  public void close() {}
}
