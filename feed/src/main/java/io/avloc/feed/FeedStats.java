package io.avloc.feed;

import java.time.Duration;
import java.util.Locale;

/**
 * Counters of a {@link FeedPublisher} at one moment.
 *
 * @param cameras cameras started
 * @param running cameras still publishing
 * @param frames frames handed to the producer
 * @param chunks audio chunks handed to the producer
 * @param acked records the broker acknowledged
 * @param errors records that failed (send errors and broker errors), plus cameras that failed
 * @param bytes value bytes handed to the producer
 * @param elapsed time since the publisher started
 * @param firstError message of the first error, or {@code null}
 */
public record FeedStats(
    int cameras,
    int running,
    long frames,
    long chunks,
    long acked,
    long errors,
    long bytes,
    Duration elapsed,
    String firstError) {

  /** Frames per second over the whole run. */
  public double framesPerSecond() {
    return rate(frames);
  }

  /** Audio chunks per second over the whole run. */
  public double chunksPerSecond() {
    return rate(chunks);
  }

  private double rate(long n) {
    double s = elapsed.toNanos() / 1e9;
    return s <= 0 ? 0 : n / s;
  }

  /** A one-line summary, e.g. for the end of {@code avloc feed}. */
  public String summary() {
    return String.format(
        Locale.ROOT,
        "%d camera%s, %.1f s: %d frames (%.1f/s), %d audio chunks (%.1f/s), %.2f MB, %d acked,"
            + " %d errors%s",
        cameras,
        cameras == 1 ? "" : "s",
        elapsed.toNanos() / 1e9,
        frames,
        framesPerSecond(),
        chunks,
        chunksPerSecond(),
        bytes / 1e6,
        acked,
        errors,
        firstError == null ? "" : " (first: " + firstError + ")");
  }
}
