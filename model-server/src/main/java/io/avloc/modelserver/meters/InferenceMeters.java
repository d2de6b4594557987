package io.avloc.modelserver.meters;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Objects;

/**
 * Inference meters, per model version and engine (tags {@code model}, {@code engine}), with one
 * meaning each whoever records them (a model registry's lease, or {@code PairInference} on a fixed
 * engine):
 *
 * <ul>
 *   <li>{@value #ENGINE_LATENCY} [avloc_inference_latency_seconds]: one batch through the inference
 *       engine, the engine call only (percentile histogram);
 *   <li>{@value #BATCH_SIZE} [avloc_inference_batch_size]: samples per engine call (percentile
 *       histogram);
 *   <li>{@value #LOCALIZE_LATENCY} [avloc_localize_latency_seconds]: one batch of pairs from their
 *       bytes to the network's output: frame decode, preprocessing and the engine call (percentile
 *       histogram). The difference to {@value #ENGINE_LATENCY} is what preprocessing costs.
 * </ul>
 *
 * <p>The meters exist per model: {@link #bindTo} keeps the registry and {@link #engineLatency} and
 * friends register (or find) the model's meter. Whoever unloads a model removes its meters.
 */
public final class InferenceMeters implements MeterBinder {

  public static final String ENGINE_LATENCY = "avloc.inference.latency";
  public static final String BATCH_SIZE = "avloc.inference.batch.size";
  public static final String LOCALIZE_LATENCY = "avloc.localize.latency";

  private final int maxBatch;
  private MeterRegistry registry;

  /**
   * @param maxBatch the largest batch, the batch-size histogram's upper bucket
   */
  public InferenceMeters(int maxBatch) {
    this.maxBatch = maxBatch;
  }

  /** A binder bound to {@code registry}. */
  public static InferenceMeters boundTo(MeterRegistry registry, int maxBatch) {
    InferenceMeters m = new InferenceMeters(maxBatch);
    m.bindTo(registry);
    return m;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  private MeterRegistry registry() {
    if (registry == null) {
      throw new IllegalStateException("InferenceMeters used before bindTo");
    }
    return registry;
  }

  /** {@value #ENGINE_LATENCY} of one model on one engine. */
  public Timer engineLatency(String model, String engine) {
    return timer(
        ENGINE_LATENCY,
        "One batch through the inference engine (the engine call only)",
        model,
        engine);
  }

  /** {@value #BATCH_SIZE} of one model on one engine. */
  public DistributionSummary batchSize(String model, String engine) {
    return DistributionSummary.builder(BATCH_SIZE)
        .description("Samples per inference engine call")
        .tags("model", model, "engine", engine)
        .publishPercentileHistogram()
        .minimumExpectedValue(1.0)
        .maximumExpectedValue((double) Math.max(2, maxBatch))
        .register(registry());
  }

  /** {@value #LOCALIZE_LATENCY} of one model on one engine. */
  public Timer localizeLatency(String model, String engine) {
    return timer(
        LOCALIZE_LATENCY,
        "One batch of pairs: frame decode, preprocessing and the engine call",
        model,
        engine);
  }

  private Timer timer(String name, String description, String model, String engine) {
    return Timer.builder(name)
        .description(description)
        .tags("model", model, "engine", engine)
        .publishPercentileHistogram()
        .register(registry());
  }
}
