package io.avloc.viewer;

import io.avloc.core.event.HeatmapEvent;
import io.avloc.core.media.GroundTruthLabel;
import io.avloc.core.media.GroundTruthLabel.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Per-camera live statistics of a heatmap stream: arrival rate, the latest peak and scores,
 * end-to-end latency percentiles and the partial-audio share over a sliding window, and pointing
 * accuracy against ground-truth headers since the start.
 *
 * <p>End-to-end latency is the arrival time at the watcher minus the frame's capture time ({@code
 * frameTsUs}); both are wall-clock times, so cameras whose clocks run ahead of the watcher's show
 * smaller (even negative) latencies. Percentiles are exact (nearest rank) over the window's
 * samples; a camera keeps at most {@code maxSamples} of them, so at very high rates the window is
 * effectively shorter.
 *
 * <p>Thread-safe: one thread may {@link #record} while others take {@link #snapshot}s.
 */
public final class LiveStats {

  /** The default sliding window for rates and percentiles. */
  public static final Duration DEFAULT_WINDOW = Duration.ofSeconds(10);

  /** The default cap on samples kept per camera. */
  public static final int DEFAULT_MAX_SAMPLES = 50_000;

  private static final long MIN_RATE_SPAN_US = 1_000_000;

  private final long windowUs;
  private final int maxSamples;
  private final LongSupplier clockUs;
  private final Map<String, CameraStats> cameras = new ConcurrentHashMap<>();
  private final AtomicLong invalid = new AtomicLong();

  /** Statistics over {@link #DEFAULT_WINDOW} on the system clock. */
  public LiveStats() {
    this(DEFAULT_WINDOW, DEFAULT_MAX_SAMPLES, LiveStats::systemMicros);
  }

  /**
   * @param window the sliding window for rates, percentiles and the partial-audio share
   * @param maxSamples the most samples kept per camera
   * @param clockUs wall clock in µs since the epoch: arrival times and snapshot times
   */
  public LiveStats(Duration window, int maxSamples, LongSupplier clockUs) {
    Objects.requireNonNull(window, "window");
    if (window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("window must be positive, got " + window);
    }
    if (maxSamples < 1) {
      throw new IllegalArgumentException("maxSamples must be at least 1, got " + maxSamples);
    }
    this.windowUs = window.toNanos() / 1000;
    this.maxSamples = maxSamples;
    this.clockUs = Objects.requireNonNull(clockUs, "clockUs");
  }

  /** The current wall-clock time in µs since the epoch. */
  public static long systemMicros() {
    Instant now = Instant.now();
    return ChronoUnit.MICROS.between(Instant.EPOCH, now);
  }

  /** Records an event arriving now, judged against its ground truth. */
  public void record(HeatmapEvent event, GroundTruthLabel truth) {
    Objects.requireNonNull(event, "event");
    long now = clockUs.getAsLong();
    cameras
        .computeIfAbsent(event.camera(), CameraStats::new)
        .add(event, truth == null ? GroundTruthLabel.NONE : truth, now);
  }

  /** Counts a record that was not a valid heatmap event. */
  public void recordInvalid() {
    invalid.incrementAndGet();
  }

  /** Heatmap records that were not valid events. */
  public long invalidRecords() {
    return invalid.get();
  }

  /** The cameras seen so far. */
  public List<String> cameraIds() {
    return cameras.keySet().stream().sorted().toList();
  }

  /** A snapshot of every camera, sorted by id, with no status line. */
  public WatchStats snapshot() {
    long now = clockUs.getAsLong();
    List<CameraSnapshot> list =
        cameras.values().stream()
            .map(c -> c.snapshot(now))
            .filter(Objects::nonNull)
            .sorted(Comparator.comparing(CameraSnapshot::camera))
            .toList();
    return new WatchStats(now, windowUs / 1e6, null, invalid.get(), list);
  }

  /**
   * The nearest-rank percentile of sorted values: the smallest value with at least {@code p} of the
   * values at or below it.
   */
  static double percentile(double[] sorted, double p) {
    if (sorted.length == 0) {
      throw new IllegalArgumentException("no values");
    }
    int rank = (int) Math.ceil(p * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  private record Sample(long atUs, double latencyMs, boolean partial) {}

  /** One camera's state; every method holds the instance lock. */
  private final class CameraStats {
    private final String camera;
    private final ArrayDeque<Sample> window = new ArrayDeque<>();
    private long firstSeenUs;
    private long events;
    private HeatmapEvent last;
    private GroundTruthLabel lastTruth = GroundTruthLabel.NONE;
    private long lastSeenUs;
    private long evaluated;
    private long hits;
    private long offscreen;
    private long withoutTruth;
    private double avOnSum;
    private long avOnCount;
    private double avOffSum;
    private long avOffCount;

    CameraStats(String camera) {
      this.camera = camera;
    }

    synchronized void add(HeatmapEvent e, GroundTruthLabel truth, long nowUs) {
      if (events == 0) {
        firstSeenUs = nowUs;
      }
      events++;
      last = e;
      lastTruth = truth;
      lastSeenUs = nowUs;
      window.addLast(new Sample(nowUs, (nowUs - e.frameTsUs()) / 1000.0, e.audio().partial()));
      while (window.size() > maxSamples) {
        window.removeFirst();
      }
      Outcome outcome = truth.judge(e.peak());
      switch (outcome) {
        case HIT -> {
          evaluated++;
          hits++;
        }
        case MISS -> evaluated++;
        case OFFSCREEN -> offscreen++;
        case UNLABELLED, NONE -> withoutTruth++;
      }
      if (truth.visibility() == GroundTruthLabel.Visibility.ONSCREEN) {
        avOnSum += e.avScore();
        avOnCount++;
      } else if (truth.visibility() == GroundTruthLabel.Visibility.OFFSCREEN) {
        avOffSum += e.avScore();
        avOffCount++;
      }
    }

    /** The camera's statistics, or {@code null} while its first event is being added. */
    synchronized CameraSnapshot snapshot(long nowUs) {
      if (last == null) {
        return null;
      }
      while (!window.isEmpty() && window.peekFirst().atUs() < nowUs - windowUs) {
        window.removeFirst();
      }
      int n = window.size();
      // Over the window, or the camera's life when shorter, but at least a second so that a
      // camera's first events do not read as a burst. When the sample cap cut the window short,
      // over the span the samples cover.
      long span = Math.max(Math.min(windowUs, nowUs - firstSeenUs), MIN_RATE_SPAN_US);
      if (n == maxSamples && nowUs - window.peekFirst().atUs() < span) {
        span = Math.max(nowUs - window.peekFirst().atUs(), 1000);
      }
      double rate = n / (span / 1e6);
      double[] lat = new double[n];
      int partial = 0;
      int i = 0;
      for (Sample s : window) {
        lat[i++] = s.latencyMs();
        if (s.partial()) {
          partial++;
        }
      }
      Arrays.sort(lat);
      CameraSnapshot.Latency latency =
          n == 0
              ? new CameraSnapshot.Latency(null, null, null, 0)
              : new CameraSnapshot.Latency(
                  percentile(lat, 0.50), percentile(lat, 0.99), lat[n - 1], n);
      CameraSnapshot.Accuracy accuracy =
          new CameraSnapshot.Accuracy(
              lastTruth.gtClass(),
              lastTruth.visibility() == null
                  ? null
                  : lastTruth.visibility() == GroundTruthLabel.Visibility.ONSCREEN,
              evaluated,
              hits,
              evaluated == 0 ? null : (double) hits / evaluated,
              offscreen,
              withoutTruth,
              avOnCount == 0 ? null : avOnSum / avOnCount,
              avOffCount == 0 ? null : avOffSum / avOffCount);
      return new CameraSnapshot(
          camera,
          last.model(),
          last.method(),
          events,
          rate,
          last.frameTsUs(),
          lastSeenUs,
          last.peak().x(),
          last.peak().y(),
          last.peak().score(),
          last.avScore(),
          last.boxes().size(),
          latency,
          last.latencyMs().total(),
          n == 0 ? null : (double) partial / n,
          accuracy);
    }
  }
}
