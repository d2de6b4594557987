package io.avloc.modelserver.serve;

import io.avloc.modelserver.meters.DeadLetterMeters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The model server's own meters (the inference and batcher meters come from {@link
 * io.avloc.modelserver.meters.InferenceMeters} and {@link
 * io.avloc.modelserver.batch.BatcherMeters}, the dead letters' from {@link DeadLetterMeters}).
 * Kafka-side counts are taken when a transaction commits, so they count each pair once even when a
 * batch was aborted and retried.
 *
 * <ul>
 *   <li>{@value #PAIRS}: pair records consumed and committed (localized or dead-lettered)
 *   <li>{@value #HEATMAPS}: heatmap events committed
 *   <li>{@code avloc.deadletters{reason,topic}} ({@link DeadLetterMeters}): pair records
 *       dead-lettered, as in the streams application
 *   <li>{@value #TRANSACTIONS}{@code {outcome=committed|aborted}}
 *   <li>{@value #LATENCY}: end to end, frame capture → heatmap committed (histogram)
 *   <li>{@value #QUEUE}: pair ready at the synchronizer → its batch starts: time on the pairs topic
 *       and in the batcher (histogram)
 *   <li>{@value #ASSIGNED} (gauge): pairs partitions assigned to this instance
 *   <li>{@value #HTTP}{@code {status}}: {@code POST /v1/localize} requests by response status
 * </ul>
 */
public final class ServeMetrics implements MeterBinder {

  public static final String PAIRS = "avloc.serve.pairs.consumed";
  public static final String HEATMAPS = "avloc.serve.heatmaps";
  public static final String TRANSACTIONS = "avloc.serve.transactions";
  public static final String LATENCY = "avloc.serve.latency";
  public static final String QUEUE = "avloc.serve.queue.latency";
  public static final String ASSIGNED = "avloc.serve.partitions.assigned";
  public static final String HTTP = "avloc.serve.http.requests";

  private final DeadLetterMeters deadLetters;
  private final AtomicInteger assigned = new AtomicInteger();
  private final Map<Integer, Counter> http = new ConcurrentHashMap<>();
  private MeterRegistry registry;
  private Counter pairs;
  private Counter heatmaps;
  private Counter committed;
  private Counter aborted;
  private Timer latency;
  private Timer queue;

  /**
   * @param pairsTopic the topic pairs are consumed from: the dead letters' {@code topic} tag
   */
  public ServeMetrics(String pairsTopic) {
    this.deadLetters = new DeadLetterMeters(pairsTopic, java.util.List.of());
  }

  /** A binder bound to {@code registry}. */
  static ServeMetrics boundTo(MeterRegistry registry, String pairsTopic) {
    ServeMetrics m = new ServeMetrics(pairsTopic);
    m.bindTo(registry);
    return m;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    this.registry = registry;
    deadLetters.bindTo(registry);
    pairs =
        Counter.builder(PAIRS)
            .description("Pair records consumed and committed (localized or dead-lettered)")
            .register(registry);
    heatmaps = Counter.builder(HEATMAPS).description("Heatmap events committed").register(registry);
    committed = transactions("committed");
    aborted = transactions("aborted");
    latency =
        Timer.builder(LATENCY)
            .description("Frame capture to heatmap committed")
            .publishPercentileHistogram()
            .maximumExpectedValue(Duration.ofSeconds(30))
            .register(registry);
    queue =
        Timer.builder(QUEUE)
            .description("Pair ready at the synchronizer to the start of its inference batch")
            .publishPercentileHistogram()
            .maximumExpectedValue(Duration.ofSeconds(30))
            .register(registry);
    Gauge.builder(ASSIGNED, assigned, AtomicInteger::get)
        .description("Pairs partitions assigned to this instance")
        .strongReference(true)
        .register(registry);
  }

  private Counter transactions(String outcome) {
    return Counter.builder(TRANSACTIONS)
        .description("Kafka transactions of the consume-localize-produce loop")
        .tag("outcome", outcome)
        .register(registry);
  }

  void committed(int pairCount, int heatmapCount) {
    committed.increment();
    pairs.increment(pairCount);
    heatmaps.increment(heatmapCount);
  }

  void aborted() {
    aborted.increment();
  }

  void deadLettered(String reason) {
    deadLetters.deadLettered(reason);
  }

  void latency(double ms) {
    latency.record(Math.max(0, Math.round(ms * 1000)), TimeUnit.MICROSECONDS);
  }

  void queue(double ms) {
    queue.record(Math.max(0, Math.round(ms * 1000)), TimeUnit.MICROSECONDS);
  }

  void assigned(int partitions) {
    assigned.set(partitions);
  }

  void httpRequest(int status) {
    http.computeIfAbsent(
            status,
            s ->
                Counter.builder(HTTP)
                    .description("POST /v1/localize requests by response status")
                    .tag("status", Integer.toString(s))
                    .register(registry))
        .increment();
  }
}
