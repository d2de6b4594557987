package io.avloc.streams.ingest;

import io.avloc.streams.sync.CameraClocks;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses records whose {@code ts-us} lies too far in the future, before they reach the
 * synchronizer. One such record would move its camera's clock ahead: every later frame would then
 * be older than the camera's last frame (dropped as out of order) and every later audio chunk late
 * (dropped, so every heatmap partial), until real time caught up with the bad timestamp. A record
 * is skewed when its time is more than the tolerance ahead of
 *
 * <ul>
 *   <li>the wall clock: no camera captures the future; or
 *   <li>its camera's clock ({@link CameraClocks}) plus the wall time since the camera's last
 *       record: a camera's clock does not run faster than real time. This catches what the wall
 *       clock cannot, e.g. a jump ahead within a replay of old recordings.
 * </ul>
 *
 * A camera whose clock is really reset forward (an NTP correction, a replay that skips ahead) sends
 * only records ahead of its old clock. Once such records form one continuous timeline (each within
 * the tolerance after the previous one) that spans the tolerance, the guard accepts the new
 * timeline instead of refusing the camera for good; a lone bad timestamp never spans it. The state
 * of those runs is per processor instance and not persisted: after a restart a reset costs at most
 * one more tolerance of records.
 *
 * <p>Times in µs. Not thread-safe: one instance per processor.
 */
public final class ClockSkewGuard {

  private static final Logger LOG = LoggerFactory.getLogger(ClockSkewGuard.class);

  /** The dead-letter reason code. */
  public static final String REASON = "CLOCK_SKEW";

  private final long toleranceUs;

  /** Per camera: the current run of records refused for being ahead of the camera's clock. */
  private final Map<String, Run> runs = new HashMap<>();

  private record Run(long startUs, long lastUs) {}

  public ClockSkewGuard(Duration tolerance) {
    if (tolerance.isNegative()) {
      throw new IllegalArgumentException("the clock-skew tolerance must not be negative");
    }
    this.toleranceUs = tolerance.toNanos() / 1000;
  }

  /**
   * Checks one record.
   *
   * @param camera the camera id
   * @param tsUs the record's time (frame capture time, or the first audio sample's time)
   * @param nowWallUs the wall clock
   * @param clock the camera's clock, or null when it has none
   * @return null when the record may pass, else what is wrong and how to fix it
   */
  public String check(String camera, long tsUs, long nowWallUs, CameraClocks.Reading clock) {
    long aheadOfWall = tsUs - nowWallUs;
    if (aheadOfWall > toleranceUs) {
      return "ts-us "
          + tsUs
          + " is "
          + seconds(aheadOfWall)
          + " ahead of the wall clock (tolerance "
          + seconds(toleranceUs)
          + "): the clock of camera '"
          + camera
          + "' (or of the machine that stamps its records) is wrong. Synchronize it with NTP;"
          + " ts-us must be the capture time in µs since the epoch";
    }
    if (clock == null) {
      return null;
    }
    long elapsedWall = Math.max(0, nowWallUs - clock.lastSeenWallUs());
    long aheadOfCamera = tsUs - clock.clockUs();
    if (aheadOfCamera <= toleranceUs + elapsedWall) {
      runs.remove(camera);
      return null;
    }
    Run run = runs.get(camera);
    if (run != null && tsUs > run.lastUs() && tsUs - run.lastUs() <= toleranceUs) {
      if (tsUs - run.startUs() >= toleranceUs) {
        runs.remove(camera);
        LOG.warn(
            "camera {}: its clock jumped {} ahead and stayed there; accepting the new time",
            camera,
            seconds(aheadOfCamera));
        return null;
      }
      runs.put(camera, new Run(run.startUs(), tsUs));
    } else {
      runs.put(camera, new Run(tsUs, tsUs));
    }
    return "ts-us "
        + tsUs
        + " is "
        + seconds(aheadOfCamera)
        + " ahead of camera '"
        + camera
        + "''s clock ("
        + clock.clockUs()
        + ", its latest record) although only "
        + seconds(elapsedWall)
        + " passed since (tolerance "
        + seconds(toleranceUs)
        + "): the record's timestamp is wrong. Synchronize the camera's clock with NTP and stamp"
        + " each record with its capture time; a clock that really jumped ahead is accepted once"
        + " its records have followed the new time for the tolerance";
  }

  private static String seconds(long us) {
    return String.format(java.util.Locale.ROOT, "%.1f s", us / 1e6);
  }
}
