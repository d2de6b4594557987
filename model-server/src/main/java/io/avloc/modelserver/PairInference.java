package io.avloc.modelserver;

import io.avloc.core.artifact.PreprocessingContract;
import io.avloc.core.audio.Spectrogram;
import io.avloc.core.event.HeatmapEvent;
import io.avloc.core.heatmap.HeatmapPostProcessor;
import io.avloc.core.image.ImageDecodeException;
import io.avloc.core.pair.AvPair;
import io.avloc.modelserver.engine.InferenceEngine;
import io.avloc.modelserver.meters.InferenceMeters;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
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
 * <p>Per batch: decode each frame (once, checked against the image limits before decoding,
 * subsampled towards the model's input size) and resize/normalize it, compute the spectrogram of
 * its audio window, both through the model's {@link PreprocessingContract} (the object the trainer
 * and {@code avloc eval} use, so serving sees exactly the training inputs), run the network once,
 * then post-process each similarity map into the event's grid, peak, boxes and avScore, with the
 * latency breakdown. A batch holds the model once ({@link BatchModel#hold()}), so with a model
 * registry every event of a batch carries the version that produced it, and a swap takes effect at
 * the next batch.
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
    this.model = Objects.requireNonNull(model, "model");
    if (maxBatch <= 0) {
      throw new IllegalArgumentException("maxBatch must be positive: " + maxBatch);
    }
    // A registry only swaps to versions of the same shapes, so the contract stays.
    this.preprocessing = PreprocessingContract.of(model.manifest());
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
    float[] spec = new float[bins * frames];
    for (int i = 0; i < n; i++) {
      AvPair p = pairs.get(i);
      if (Spectrogram.frameCount(p.audio().length) != frames) {
        throw new IllegalArgumentException("pairs in one batch must share the audio window length");
      }
      try {
        // The one decode of this frame: size-checked, subsampled towards the model's input.
        preprocessing.frameInto(p.frame().data(), imageBatch, i * imageFloats);
      } catch (ImageDecodeException e) {
        throw new PairInputException(
            i,
            e.problem() == ImageDecodeException.Problem.TOO_LARGE
                ? "IMAGE_TOO_LARGE"
                : "UNDECODABLE_IMAGE",
            "frame of camera "
                + p.camera()
                + " at "
                + p.frameTsUs()
                + " µs does not decode: "
                + e.getMessage(),
            e);
      }
      preprocessing.spectrogram().computeInto(p.audio(), spec);
      System.arraycopy(spec, 0, specBatch, i * spec.length, spec.length);
    }
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

    List<HeatmapEvent> events = new ArrayList<>(n);
    long now = wallClockUs.getAsLong();
    double inferenceMs = inferenceNanos / 1e6;
    for (int i = 0; i < n; i++) {
      AvPair p = pairs.get(i);
      float[] map = out.simmap(i);
      float avScore = Float.NEGATIVE_INFINITY;
      for (float v : map) {
        avScore = Math.max(avScore, v);
      }
      HeatmapPostProcessor.Localization loc = post.process(map, out.height(), out.width());
      double sync = Math.max(0, (p.readyAtUs() - p.arrivedAtUs()) / 1e3);
      double queue = Math.max(0, (batchStartUs - p.readyAtUs()) / 1e3);
      double total = Math.max(0, (now - p.frameTsUs()) / 1e3);
      events.add(
          new HeatmapEvent(
              p.camera(),
              p.frameTsUs(),
              modelId,
              held.manifest().method(),
              loc.grid(),
              loc.peak(),
              Math.max(-1, Math.min(1, avScore)),
              loc.boxes(),
              new HeatmapEvent.AudioWindow(p.audioStartUs(), p.audioEndUs(), p.partial()),
              new HeatmapEvent.Latency(sync, queue, inferenceMs, total),
              now));
    }
    return events;
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
