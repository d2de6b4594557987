package io.avloc.modelserver.batch;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The meters of one {@link DynamicBatcher}, all tagged {@code name} (the batcher's):
 *
 * <ul>
 *   <li>{@value #REJECTED}{@code {reason}}: requests failed without being run, by {@link
 *       RejectionReason#tag()} (every reason registered at 0);
 *   <li>{@value #BATCH_SIZE}: requests per call of the batch function (percentile histogram);
 *   <li>{@value #QUEUE_TIME}: from submit to the start of the request's batch (percentile
 *       histogram);
 *   <li>{@value #BATCH_FAILURES}: calls of the batch function that failed;
 *   <li>{@value #QUEUE_DEPTH} (gauge): requests waiting.
 * </ul>
 */
public final class BatcherMeters implements MeterBinder {

  public static final String REJECTED = "avloc.batcher.rejected";
  public static final String BATCH_SIZE = "avloc.batcher.batch.size";
  public static final String QUEUE_TIME = "avloc.batcher.queue.time";
  public static final String BATCH_FAILURES = "avloc.batcher.batch.failures";
  public static final String QUEUE_DEPTH = "avloc.batcher.queue.depth";

  private final Tags tags;
  private final int maxBatchSize;
  private final Supplier<Number> queueDepth;
  private final Map<RejectionReason, Counter> rejected = new EnumMap<>(RejectionReason.class);
  private DistributionSummary batchSize;
  private Timer queueTime;
  private Counter batchFailures;

  /**
   * @param name the batcher's name, the {@code name} tag
   * @param maxBatchSize the largest batch (the batch-size histogram's range)
   * @param queueDepth the number of requests waiting
   */
  public BatcherMeters(String name, int maxBatchSize, Supplier<Number> queueDepth) {
    this.tags = Tags.of("name", Objects.requireNonNull(name, "name"));
    this.maxBatchSize = maxBatchSize;
    this.queueDepth = Objects.requireNonNull(queueDepth, "queueDepth");
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    for (RejectionReason reason : RejectionReason.values()) {
      rejected.put(
          reason,
          Counter.builder(REJECTED)
              .description("Requests failed by the batcher without being run")
              .tags(tags)
              .tag("reason", reason.tag())
              .register(registry));
    }
    batchSize =
        DistributionSummary.builder(BATCH_SIZE)
            .description("Requests per call of the batch function")
            .tags(tags)
            .publishPercentileHistogram()
            .minimumExpectedValue(1.0)
            .maximumExpectedValue((double) Math.max(2, maxBatchSize))
            .register(registry);
    queueTime =
        Timer.builder(QUEUE_TIME)
            .description("Time from submit to the start of the request's batch")
            .tags(tags)
            .publishPercentileHistogram()
            .register(registry);
    batchFailures =
        Counter.builder(BATCH_FAILURES)
            .description("Calls of the batch function that failed")
            .tags(tags)
            .register(registry);
    Gauge.builder(QUEUE_DEPTH, queueDepth)
        .description("Requests waiting in the batcher queue")
        .tags(tags)
        .register(registry);
  }

  void rejected(RejectionReason reason) {
    rejected.get(reason).increment();
  }

  void queued(long nanos) {
    queueTime.record(nanos, TimeUnit.NANOSECONDS);
  }

  void batch(int size) {
    batchSize.record(size);
  }

  void batchFailed() {
    batchFailures.increment();
  }
}
