package io.avloc.streams.sync;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The synchronizer's meters, shared by all its processors (one per task, possibly on several stream
 * threads): make one per registry and topology; {@link AvSynchronizer#supplier} does. {@value
 * #PAIRS} is not the pairs topic ({@code avloc.pairs}): it counts frames the synchronizer paired,
 * whether inference runs embedded or the pairs go to the topic.
 *
 * <ul>
 *   <li>{@value #FRAMES_DROPPED}{@code {reason}}: frames dropped, by {@link DropReason#tag()}
 *   <li>{@value #AUDIO_DROPPED}{@code {reason=late}}: audio chunks that arrived after every window
 *       they belong to was released
 *   <li>{@value #PAIRS}{@code {audio=complete|partial}}: frames paired and sent to the localizer
 *   <li>{@value #CAMERAS_EXPIRED}: cameras forgotten after being idle
 *   <li>{@value #CAMERAS_ACTIVE} (gauge): cameras with state in this instance
 * </ul>
 */
public final class SyncMetrics implements MeterBinder {

  public static final String FRAMES_DROPPED = "avloc.frames.dropped";
  public static final String AUDIO_DROPPED = "avloc.audio.dropped";
  public static final String PAIRS = "avloc.sync.pairs";
  public static final String CAMERAS_EXPIRED = "avloc.cameras.expired";
  public static final String CAMERAS_ACTIVE = "avloc.cameras.active";

  private final Map<DropReason, Counter> dropped = new EnumMap<>(DropReason.class);
  private final AtomicLong active = new AtomicLong();
  private Counter lateAudio;
  private Counter completePairs;
  private Counter partialPairs;
  private Counter expired;

  /** Unbound: {@link #bindTo} registers the meters. */
  public SyncMetrics() {}

  /** The synchronizer's meters, bound to {@code registry}. */
  public static SyncMetrics boundTo(MeterRegistry registry) {
    SyncMetrics m = new SyncMetrics();
    m.bindTo(registry);
    return m;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    Objects.requireNonNull(registry, "registry");
    for (DropReason r : DropReason.values()) {
      dropped.put(
          r,
          Counter.builder(FRAMES_DROPPED)
              .description("Frames dropped by the audio-visual synchronizer")
              .tag("reason", r.tag())
              .register(registry));
    }
    lateAudio =
        Counter.builder(AUDIO_DROPPED)
            .description("Audio chunks dropped by the audio-visual synchronizer")
            .tag("reason", "late")
            .register(registry);
    completePairs = pairs(registry, "complete");
    partialPairs = pairs(registry, "partial");
    expired =
        Counter.builder(CAMERAS_EXPIRED)
            .description("Cameras whose state was deleted after being idle")
            .register(registry);
    Gauge.builder(CAMERAS_ACTIVE, active, AtomicLong::get)
        .description("Cameras with synchronizer state in this instance")
        .strongReference(true)
        .register(registry);
  }

  private static Counter pairs(MeterRegistry registry, String audio) {
    return Counter.builder(PAIRS)
        .description("Frames paired with audio and sent to the localizer")
        .tag("audio", audio)
        .register(registry);
  }

  void dropped(DropReason reason) {
    dropped.get(reason).increment();
  }

  void lateAudio() {
    lateAudio.increment();
  }

  void paired(boolean partial) {
    (partial ? partialPairs : completePairs).increment();
  }

  void expired() {
    expired.increment();
  }

  void activeCameras(long delta) {
    active.addAndGet(delta);
  }
}
