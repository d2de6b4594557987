package io.avloc.streams.sync;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Objects;
import java.util.Optional;

/**
 * Says, once per reporting interval, how much load the real-time synchronizer sheds: the frames
 * paired for inference and the frames shed as stale (older frames replaced by their camera's
 * newest, {@link DropReason#STALE}) since the previous call, read from the synchronizer's meters in
 * {@code registry}. Frames the rate cap drops are by design, not load, and are not counted.
 *
 * <p>Not thread-safe: one reporting thread calls {@link #next()}.
 */
public final class ShedReport {

  private final MeterRegistry registry;
  private double lastPaired;
  private double lastShed;

  public ShedReport(MeterRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  /**
   * Frames paired and shed since the previous call.
   *
   * @param paired frames sent to the engine
   * @param shed frames shed for a newer frame of their camera
   */
  public record Interval(long paired, long shed) {

    /** The shed share of the frames the synchronizer had to choose from, 0 to 1. */
    public double shedShare() {
      long all = paired + shed;
      return all == 0 ? 0 : (double) shed / all;
    }

    /**
     * A plain sentence when frames were shed, e.g. {@code shedding 60 % of frames: pipeline at
     * capacity (8 served, 12 replaced by newer ones)}; empty when nothing was.
     */
    public Optional<String> line() {
      if (shed == 0) {
        return Optional.empty();
      }
      return Optional.of(
          String.format(
              "shedding %.0f %% of frames: pipeline at capacity (%d served, %d replaced by their"
                  + " camera's newer frame)",
              100 * shedShare(), paired, shed));
    }
  }

  /** The interval since the previous call (since construction, the first time). */
  public Interval next() {
    double paired = sum(SyncMetrics.PAIRS, null);
    double shed = sum(SyncMetrics.FRAMES_DROPPED, DropReason.STALE.tag());
    Interval i = new Interval(Math.round(paired - lastPaired), Math.round(shed - lastShed));
    lastPaired = paired;
    lastShed = shed;
    return i;
  }

  private double sum(String name, String reason) {
    double total = 0;
    for (Counter c : registry.find(name).counters()) {
      if (reason == null || reason.equals(c.getId().getTag("reason"))) {
        total += c.count();
      }
    }
    return total;
  }
}
