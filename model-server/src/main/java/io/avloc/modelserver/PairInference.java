package io.avloc.modelserver;

import io.avloc.core.audio.Spectrogram;
import io.avloc.core.event.HeatmapEvent;
import io.avloc.core.heatmap.HeatmapPostProcessor;
import io.avloc.core.image.ImageDecodeException;
import io.avloc.core.image.ImageDecoder;
import io.avloc.core.image.ImagePreprocessor;
import io.avloc.core.pair.AvPair;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Pairs in, heatmap events out, on a {@link LocalizationModel}: the one implementation of "pair →
 * heatmap" behind embedded inference in the streams application and behind {@code avloc serve}.
 *
 * <p>Per batch: decode each frame and resize/normalize it, compute the spectrogram of its audio
 * window (the same core code the trainer uses, so serving sees exactly the training inputs), run
 * the network once, then post-process each similarity map into the event's grid, peak, boxes and
 * avScore, with the latency breakdown.
 *
 * <p>Meters, tagged {@code model} and {@code engine}: {@code avloc.inference.latency} (one batch,
 * preprocessing included) and {@code avloc.inference.batch.size}.
 *
 * <p>Thread-safe: each calling thread gets its own model session.
 */
public final class PairInference implements PairLocalizer {

  /** The engine {@link LocalizationModel} runs on, for the {@code engine} tag. */
  public static final String ENGINE = "OnnxRuntime";

  private final LocalizationModel model;
  // DJL predictors are single-threaded; every calling thread gets its own.
  private final ThreadLocal<LocalizationModel.Session> sessions;
  private final ImagePreprocessor images;
  private final Spectrogram spectrogram;
  private final HeatmapPostProcessor post;
  private final int maxBatch;
  private final LongSupplier wallClockUs;
  private final String modelId;
  private final String method;
  private final Timer inferenceTimer;
  private final DistributionSummary batchSizes;

  /**
   * @param model the loaded model; its owner closes it (and with it the sessions)
   * @param maxBatch the largest batch {@link #localize} accepts
   * @param wallClockUs wall clock in µs since the epoch, for the latencies and {@code emittedAtUs}
   */
  public PairInference(
      LocalizationModel model, int maxBatch, MeterRegistry registry, LongSupplier wallClockUs) {
    this.model = Objects.requireNonNull(model, "model");
    if (maxBatch <= 0) {
      throw new IllegalArgumentException("maxBatch must be positive: " + maxBatch);
    }
    this.sessions = ThreadLocal.withInitial(model::newSession);
    this.images = new ImagePreprocessor(model.imageSize());
    this.spectrogram = new Spectrogram(AvPair.SAMPLE_RATE);
    this.post = new HeatmapPostProcessor(HeatmapPostProcessor.Options.DEFAULTS);
    this.maxBatch = maxBatch;
    this.wallClockUs = Objects.requireNonNull(wallClockUs, "wallClockUs");
    this.modelId = model.manifest().id();
    this.method = model.manifest().method();
    this.inferenceTimer =
        Timer.builder("avloc.inference.latency")
            .description("one micro-batch through the network, preprocessing included")
            .tags("model", modelId, "engine", ENGINE)
            .publishPercentileHistogram()
            .register(registry);
    this.batchSizes =
        DistributionSummary.builder("avloc.inference.batch.size")
            .tags("model", modelId, "engine", ENGINE)
            .publishPercentileHistogram()
            .register(registry);
  }

  /** The model's window in samples at 16 kHz, as trained (3 s: 48000). */
  public int windowSamples() {
    return (int)
        Math.round(model.manifest().preprocessing().audio().windowSeconds() * AvPair.SAMPLE_RATE);
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
    long t0 = System.nanoTime();
    int s = model.imageSize();
    int frames = Spectrogram.frameCount(pairs.get(0).audio().length);
    float[] imageBatch = new float[n * 3 * s * s];
    float[] specBatch = new float[n * Spectrogram.FREQUENCY_BINS * frames];
    float[] spec = new float[Spectrogram.FREQUENCY_BINS * frames];
    for (int i = 0; i < n; i++) {
      AvPair p = pairs.get(i);
      if (Spectrogram.frameCount(p.audio().length) != frames) {
        throw new IllegalArgumentException("pairs in one batch must share the audio window length");
      }
      try {
        images.preprocess(ImageDecoder.decode(p.frame().data()), imageBatch, i * 3 * s * s);
      } catch (ImageDecodeException e) {
        throw new PairInputException(
            i,
            "UNDECODABLE_IMAGE",
            "frame of camera "
                + p.camera()
                + " at "
                + p.frameTsUs()
                + " µs does not decode: "
                + e.getMessage(),
            e);
      }
      spectrogram.computeInto(p.audio(), spec);
      System.arraycopy(spec, 0, specBatch, i * spec.length, spec.length);
    }
    LocalizationModel.Outputs out = sessions.get().run(imageBatch, specBatch, n, frames);
    long inferenceNanos = System.nanoTime() - t0;
    inferenceTimer.record(inferenceNanos, TimeUnit.NANOSECONDS);
    batchSizes.record(n);

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
              method,
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

  @Override
  public String modelId() {
    return modelId;
  }

  /** Sessions are closed with the model, which owns them. */
  @Override
  public void close() {}
}
