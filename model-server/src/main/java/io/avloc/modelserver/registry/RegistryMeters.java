package io.avloc.modelserver.registry;

import io.avloc.modelserver.engine.EngineAttempt;
import io.avloc.modelserver.engine.InferenceEngine;
import io.avloc.modelserver.meters.InferenceMeters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The registry's meters (Prometheus names in brackets):
 *
 * <ul>
 *   <li>{@code avloc.model.swaps{result=success|failure}} [avloc_model_swaps_total]: a newer
 *       version replaced the serving one, or was refused while another kept serving;
 *   <li>{@code avloc.model.load.failures{reason}} [avloc_model_load_failures_total]: versions
 *       refused, by {@link LoadFailure#tag()}; every reason is registered at 0;
 *   <li>{@code avloc.model.serving{model,engine}} [avloc_model_serving]: 1 for the serving model
 *       and its engine (the series goes away when another takes over);
 *   <li>{@code avloc.model.loaded} [avloc_model_loaded]: engines in memory, the serving one plus
 *       retired ones still finishing in-flight batches;
 *   <li>{@code avloc.engine.attempts{engine,result=ok|failed}} [avloc_engine_attempts_total]: tries
 *       to load a model on an engine;
 *   <li>the {@link InferenceMeters} {@code avloc.inference.latency{model,engine}} and {@code
 *       avloc.inference.batch.size{model,engine}} of {@link ModelRegistry.Lease#run} (the engine
 *       call), removed when the model is unloaded.
 * </ul>
 */
public final class RegistryMeters implements MeterBinder {

  public static final String SWAPS = "avloc.model.swaps";
  public static final String LOAD_FAILURES = "avloc.model.load.failures";
  public static final String SERVING = "avloc.model.serving";
  public static final String LOADED = "avloc.model.loaded";
  public static final String ENGINE_ATTEMPTS = "avloc.engine.attempts";

  private final InferenceMeters inference;
  private final Supplier<Number> loaded;
  private MeterRegistry registry;
  private Counter swapped;
  private Counter swapRefused;
  private Gauge loadedGauge;
  private final Map<LoadFailure, Counter> failures = new EnumMap<>(LoadFailure.class);
  private final Map<List<String>, Integer> users = new HashMap<>();

  /**
   * @param maxBatch the engines' largest batch (the batch-size histogram's range)
   * @param loaded the number of engines in memory, read by the {@value #LOADED} gauge
   */
  public RegistryMeters(int maxBatch, Supplier<Number> loaded) {
    this.inference = new InferenceMeters(maxBatch);
    this.loaded = loaded;
  }

  /** A binder bound to {@code registry}. */
  static RegistryMeters boundTo(MeterRegistry registry, int maxBatch, Supplier<Number> loaded) {
    RegistryMeters m = new RegistryMeters(maxBatch, loaded);
    m.bindTo(registry);
    return m;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    this.registry = registry;
    inference.bindTo(registry);
    swapped = swaps("success");
    swapRefused = swaps("failure");
    for (LoadFailure f : LoadFailure.values()) {
      failures.put(
          f,
          Counter.builder(LOAD_FAILURES)
              .description("Model versions refused by the registry, by reason")
              .tag("reason", f.tag())
              .register(registry));
    }
    loadedGauge =
        Gauge.builder(LOADED, loaded)
            .description("Model engines in memory: the serving one and retired ones still draining")
            .register(registry);
  }

  /** Removes the gauge that reads the registry's state (the counters stay). */
  void close() {
    registry.remove(loadedGauge);
  }

  private Counter swaps(String result) {
    return Counter.builder(SWAPS)
        .description("Hot swaps to a newer model version, by result")
        .tag("result", result)
        .register(registry);
  }

  void swapped() {
    swapped.increment();
  }

  void swapRefused() {
    swapRefused.increment();
  }

  void loadFailed(LoadFailure reason) {
    failures.get(reason).increment();
  }

  void attempts(List<EngineAttempt> attempts) {
    for (EngineAttempt a : attempts) {
      Counter.builder(ENGINE_ATTEMPTS)
          .description("Tries to load a model on an engine, by result")
          .tag("engine", a.kind().id())
          .tag("result", a.ok() ? "ok" : "failed")
          .register(registry)
          .increment();
    }
  }

  /**
   * The inference meters of one loaded model. Two loaded versions may share a manifest id (and so
   * the same meters): they are removed when the last of them closes.
   */
  ModelMeters forModel(InferenceEngine engine) {
    return new ModelMeters(engine);
  }

  private synchronized void retain(List<String> key) {
    users.merge(key, 1, Integer::sum);
  }

  private synchronized boolean releaseLast(List<String> key) {
    return users.merge(key, -1, Integer::sum) == 0 && users.remove(key) != null;
  }

  /**
   * The meters of one loaded model; {@link #close()} removes them when no other model uses them.
   */
  final class ModelMeters implements AutoCloseable {
    final Timer latency;
    final DistributionSummary batchSize;
    private final List<String> key;
    private Gauge serving;
    private boolean closed;

    private ModelMeters(InferenceEngine engine) {
      String model = engine.manifest().id();
      key = List.of(model, engine.name());
      retain(key);
      latency = inference.engineLatency(model, engine.name());
      batchSize = inference.batchSize(model, engine.name());
    }

    /**
     * Marks this model as the serving one; call after {@link #retired()} of the previous one (they
     * may share the gauge).
     */
    synchronized void serving() {
      serving =
          Gauge.builder(SERVING, () -> 1)
              .description("1 for the model version being served and the engine running it")
              .tag("model", key.get(0))
              .tag("engine", key.get(1))
              .register(registry);
    }

    /** This model no longer serves new requests. */
    synchronized void retired() {
      Meter g = serving;
      serving = null;
      if (g != null) {
        registry.remove(g);
      }
    }

    @Override
    public synchronized void close() {
      if (closed) {
        return;
      }
      closed = true;
      retired();
      if (releaseLast(key)) {
        registry.remove(latency);
        registry.remove(batchSize);
      }
    }
  }
}
