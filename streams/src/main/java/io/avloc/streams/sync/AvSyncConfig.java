package io.avloc.streams.sync;

import io.avloc.core.pair.AvPair;
import io.avloc.modelserver.batch.BatcherConfig;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the {@link AvSynchronizer}. Durations named "camera time" are measured on each
 * camera's own {@code ts-us} clock and never compared across cameras; "wall clock" ones are
 * measured on the stream thread's clock.
 *
 * @param window length of the audio window paired with a frame (camera time; default 3 s)
 * @param lookahead how far past the frame the window ends: a frame at t pairs with [t − window +
 *     lookahead, t + lookahead] (camera time; default 0.5 s)
 * @param grace how long a frame waits, after its window end, for missing audio before it is paired
 *     with what exists, zero-filled and flagged partial (camera time; default 1 s)
 * @param maxRateHz frames per second accepted per camera, of frame time (default 5); {@code
 *     Double.POSITIVE_INFINITY} accepts every frame
 * @param mode {@link SyncMode#REALTIME} (default) or {@link SyncMode#CATCH_UP}
 * @param staleBudget REALTIME only: a frame at t is stale once the wall clock is later than t +
 *     lookahead + staleBudget + two batches at the measured inference time; a stale frame is shed
 *     when a newer ready frame of its camera can be served instead (default 150 ms)
 * @param maxBatch most pairs per inference call (default 8, the batcher's; capped by the
 *     localizer's own maximum); this many ready pairs start a batch at once
 * @param maxDelay wall-clock interval of the batch punctuator, so the longest a ready pair waits
 *     for a batch to fill (default 25 ms)
 * @param cameraIdleTimeout a camera without records for this long on the wall clock is forgotten:
 *     its waiting frames are flushed and all its state deleted (default 60 s)
 * @param asyncBatches hand each batch to the engine's own thread and keep ingesting while it runs
 *     (default true, both modes; at most one batch of a task in flight, its pairs still pending in
 *     the stores until their outputs are forwarded); false runs it on the stream thread, which in
 *     REALTIME then rests (ingests) after each batch for as long as the batch took.
 */
public record AvSyncConfig(
    Duration window,
    Duration lookahead,
    Duration grace,
    double maxRateHz,
    SyncMode mode,
    Duration staleBudget,
    int maxBatch,
    Duration maxDelay,
    Duration cameraIdleTimeout,
    boolean asyncBatches) {

  public static final Duration DEFAULT_WINDOW = Duration.ofSeconds(3);
  public static final Duration DEFAULT_LOOKAHEAD = Duration.ofMillis(500);
  public static final Duration DEFAULT_GRACE = Duration.ofSeconds(1);
  public static final double DEFAULT_MAX_RATE_HZ = 5.0;
  public static final Duration DEFAULT_STALE_BUDGET = Duration.ofMillis(150);
  // One default batch size for every path to the model (streams, serve, the batcher).
  public static final int DEFAULT_MAX_BATCH = BatcherConfig.DEFAULT_MAX_BATCH_SIZE;
  public static final Duration DEFAULT_MAX_DELAY = Duration.ofMillis(25);
  public static final Duration DEFAULT_CAMERA_IDLE_TIMEOUT = Duration.ofSeconds(60);
  public static final boolean DEFAULT_ASYNC_BATCHES = true;

  /** Longest interval between two checks for idle cameras (wall clock). */
  static final Duration MAX_EXPIRY_CHECK_INTERVAL = Duration.ofSeconds(1);

  public AvSyncConfig {
    Objects.requireNonNull(window, "window");
    Objects.requireNonNull(lookahead, "lookahead");
    Objects.requireNonNull(grace, "grace");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(staleBudget, "staleBudget");
    Objects.requireNonNull(maxDelay, "maxDelay");
    Objects.requireNonNull(cameraIdleTimeout, "cameraIdleTimeout");
    if (micros(window) * AvPair.SAMPLE_RATE / 1_000_000L < 1) {
      throw new IllegalArgumentException(
          "window must hold at least one sample at " + AvPair.SAMPLE_RATE + " Hz: " + window);
    }
    if (lookahead.abs().compareTo(window.multipliedBy(100)) > 0) {
      throw new IllegalArgumentException(
          "lookahead is out of proportion to the window: " + lookahead);
    }
    requireNotNegative(grace, "grace");
    requireNotNegative(staleBudget, "staleBudget");
    if (!(maxRateHz > 0)) {
      throw new IllegalArgumentException("maxRateHz must be positive: " + maxRateHz);
    }
    if (maxBatch < 1) {
      throw new IllegalArgumentException("maxBatch must be at least 1: " + maxBatch);
    }
    if (maxDelay.toMillis() < 1) {
      throw new IllegalArgumentException("maxDelay must be at least 1 ms: " + maxDelay);
    }
    if (cameraIdleTimeout.toMillis() < 1) {
      throw new IllegalArgumentException(
          "cameraIdleTimeout must be at least 1 ms: " + cameraIdleTimeout);
    }
  }

  /**
   * The defaults: 3 s window, 0.5 s lookahead, 1 s grace, 5 Hz, REALTIME with 150 ms, 8/25 ms,
   * async.
   */
  public static AvSyncConfig defaults() {
    return new AvSyncConfig(
        DEFAULT_WINDOW,
        DEFAULT_LOOKAHEAD,
        DEFAULT_GRACE,
        DEFAULT_MAX_RATE_HZ,
        SyncMode.REALTIME,
        DEFAULT_STALE_BUDGET,
        DEFAULT_MAX_BATCH,
        DEFAULT_MAX_DELAY,
        DEFAULT_CAMERA_IDLE_TIMEOUT,
        DEFAULT_ASYNC_BATCHES);
  }

  public AvSyncConfig withWindow(Duration window) {
    return new AvSyncConfig(
        window,
        lookahead,
        grace,
        maxRateHz,
        mode,
        staleBudget,
        maxBatch,
        maxDelay,
        cameraIdleTimeout,
        asyncBatches);
  }

  public AvSyncConfig withLookahead(Duration lookahead) {
    return new AvSyncConfig(
        window,
        lookahead,
        grace,
        maxRateHz,
        mode,
        staleBudget,
        maxBatch,
        maxDelay,
        cameraIdleTimeout,
        asyncBatches);
  }

  public AvSyncConfig withGrace(Duration grace) {
    return new AvSyncConfig(
        window,
        lookahead,
        grace,
        maxRateHz,
        mode,
        staleBudget,
        maxBatch,
        maxDelay,
        cameraIdleTimeout,
        asyncBatches);
  }

  public AvSyncConfig withMaxRateHz(double maxRateHz) {
    return new AvSyncConfig(
        window,
        lookahead,
        grace,
        maxRateHz,
        mode,
        staleBudget,
        maxBatch,
        maxDelay,
        cameraIdleTimeout,
        asyncBatches);
  }

  public AvSyncConfig withMode(SyncMode mode) {
    return new AvSyncConfig(
        window,
        lookahead,
        grace,
        maxRateHz,
        mode,
        staleBudget,
        maxBatch,
        maxDelay,
        cameraIdleTimeout,
        asyncBatches);
  }

  public AvSyncConfig withStaleBudget(Duration staleBudget) {
    return new AvSyncConfig(
        window,
        lookahead,
        grace,
        maxRateHz,
        mode,
        staleBudget,
        maxBatch,
        maxDelay,
        cameraIdleTimeout,
        asyncBatches);
  }

  public AvSyncConfig withMaxBatch(int maxBatch) {
    return new AvSyncConfig(
        window,
        lookahead,
        grace,
        maxRateHz,
        mode,
        staleBudget,
        maxBatch,
        maxDelay,
        cameraIdleTimeout,
        asyncBatches);
  }

  public AvSyncConfig withMaxDelay(Duration maxDelay) {
    return new AvSyncConfig(
        window,
        lookahead,
        grace,
        maxRateHz,
        mode,
        staleBudget,
        maxBatch,
        maxDelay,
        cameraIdleTimeout,
        asyncBatches);
  }

  public AvSyncConfig withCameraIdleTimeout(Duration cameraIdleTimeout) {
    return new AvSyncConfig(
        window,
        lookahead,
        grace,
        maxRateHz,
        mode,
        staleBudget,
        maxBatch,
        maxDelay,
        cameraIdleTimeout,
        asyncBatches);
  }

  public AvSyncConfig withAsyncBatches(boolean asyncBatches) {
    return new AvSyncConfig(
        window,
        lookahead,
        grace,
        maxRateHz,
        mode,
        staleBudget,
        maxBatch,
        maxDelay,
        cameraIdleTimeout,
        asyncBatches);
  }

  /** Window length, µs. */
  public long windowUs() {
    return micros(window);
  }

  /** Lookahead, µs (camera time). */
  public long lookaheadUs() {
    return micros(lookahead);
  }

  /** Grace, µs (camera time). */
  public long graceUs() {
    return micros(grace);
  }

  /** Stale budget, µs (wall clock). */
  public long staleBudgetUs() {
    return micros(staleBudget);
  }

  /** Camera idle timeout, µs (wall clock). */
  public long cameraIdleTimeoutUs() {
    return micros(cameraIdleTimeout);
  }

  /** Smallest gap between two accepted frames of a camera, µs of frame time (0: no cap). */
  public long minFrameIntervalUs() {
    return Double.isInfinite(maxRateHz) ? 0 : Math.round(1e6 / maxRateHz);
  }

  /**
   * How much audio a camera keeps behind its clock, µs: window + lookahead + grace. Audio older
   * than that can belong to no frame that is still waiting.
   */
  public long audioRetentionUs() {
    return windowUs() + lookaheadUs() + graceUs();
  }

  /** Interval of the idle-camera check: the idle timeout, at most one second (wall clock). */
  Duration expiryCheckInterval() {
    return cameraIdleTimeout.compareTo(MAX_EXPIRY_CHECK_INTERVAL) < 0
        ? cameraIdleTimeout
        : MAX_EXPIRY_CHECK_INTERVAL;
  }

  static long micros(Duration d) {
    return Math.addExact(Math.multiplyExact(d.getSeconds(), 1_000_000L), d.getNano() / 1_000);
  }

  private static void requireNotNegative(Duration d, String name) {
    if (d.isNegative()) {
      throw new IllegalArgumentException(name + " must not be negative: " + d);
    }
  }
}
