package io.avloc.modelserver.meters;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Records sent to the dead-letter topic, counted the same way by every stage that writes them (the
 * streams application's ingest and inference stages, {@code avloc serve}'s pair loop), so one
 * Prometheus series answers "what was dead-lettered, why, from where":
 *
 * <ul>
 *   <li>{@value #DEADLETTERS}{@code {reason,topic}} [avloc_deadletters_total]: {@code reason} is
 *       the dead letter's {@code error-reason}, {@code topic} the record's source topic.
 * </ul>
 *
 * <p>One binder per source topic: {@link #bindTo} registers the reasons given up front at 0 (so
 * alerts see the series before the first bad record); others are registered when first counted.
 */
public final class DeadLetterMeters implements MeterBinder {

  public static final String DEADLETTERS = "avloc.deadletters";

  private final String sourceTopic;
  private final Iterable<String> knownReasons;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private MeterRegistry registry;

  /**
   * @param sourceTopic the topic the dead-lettered records were read from (the {@code topic} tag)
   * @param knownReasons reasons registered at 0 by {@link #bindTo}
   */
  public DeadLetterMeters(String sourceTopic, Iterable<String> knownReasons) {
    this.sourceTopic = Objects.requireNonNull(sourceTopic, "sourceTopic");
    this.knownReasons = Objects.requireNonNull(knownReasons, "knownReasons");
  }

  /** A binder for {@code sourceTopic}, bound to {@code registry}. */
  public static DeadLetterMeters boundTo(
      MeterRegistry registry, String sourceTopic, String... knownReasons) {
    DeadLetterMeters m = new DeadLetterMeters(sourceTopic, java.util.List.of(knownReasons));
    m.bindTo(registry);
    return m;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
    for (String reason : knownReasons) {
      counter(reason);
    }
  }

  /** The counter of one reason (registered on first use). */
  public Counter counter(String reason) {
    if (registry == null) {
      throw new IllegalStateException("DeadLetterMeters used before bindTo");
    }
    return counters.computeIfAbsent(
        reason,
        r ->
            Counter.builder(DEADLETTERS)
                .description("Records sent to the dead-letter topic, by reason and source topic")
                .tags("reason", r, "topic", sourceTopic)
                .register(registry));
  }

  /** Counts one dead letter of {@code reason}. */
  public void deadLettered(String reason) {
    counter(reason).increment();
  }
}
