package io.avloc.feed;

import java.time.Duration;

/**
 * Timing shared by every camera feed.
 *
 * @param fps frames per second of synthetic and slideshow cameras; for video and RTSP an upper
 *     bound (frames are dropped to stay at or below it), or 0 to keep the source's own rate
 * @param chunkMs length of an audio chunk in milliseconds
 * @param duration media time to publish per camera, or {@code null} to run until closed (or until a
 *     finite source ends)
 * @param loop whether a finite source (image folder, video file) starts over when it ends, with
 *     timestamps that keep increasing
 */
public record FeedSettings(int fps, int chunkMs, Duration duration, boolean loop) {

  /** Frame rate of synthetic and slideshow cameras unless told otherwise. */
  public static final int DEFAULT_FPS = 25;

  /** Audio chunk length unless told otherwise. */
  public static final int DEFAULT_CHUNK_MS = 100;

  /** Largest accepted frame rate. */
  public static final int MAX_FPS = 240;

  /** Audio chunks may be 10 ms to 2 s long. */
  public static final int MIN_CHUNK_MS = 10;

  public static final int MAX_CHUNK_MS = 2_000;

  public FeedSettings {
    if (fps < 0 || fps > MAX_FPS) {
      throw new IllegalArgumentException(
          "fps must be between 1 and " + MAX_FPS + " (or 0 for the source's rate): " + fps);
    }
    if (chunkMs < MIN_CHUNK_MS || chunkMs > MAX_CHUNK_MS) {
      throw new IllegalArgumentException(
          "chunk length must be between "
              + MIN_CHUNK_MS
              + " and "
              + MAX_CHUNK_MS
              + " ms: "
              + chunkMs);
    }
    if (duration != null && (duration.isNegative() || duration.isZero())) {
      throw new IllegalArgumentException("duration must be positive: " + duration);
    }
  }

  /** 25 fps, 100 ms chunks, no time limit, no looping. */
  public static FeedSettings defaults() {
    return new FeedSettings(DEFAULT_FPS, DEFAULT_CHUNK_MS, null, false);
  }

  public FeedSettings withFps(int newFps) {
    return new FeedSettings(newFps, chunkMs, duration, loop);
  }

  public FeedSettings withChunkMs(int newChunkMs) {
    return new FeedSettings(fps, newChunkMs, duration, loop);
  }

  public FeedSettings withDuration(Duration newDuration) {
    return new FeedSettings(fps, chunkMs, newDuration, loop);
  }

  public FeedSettings withLoop(boolean newLoop) {
    return new FeedSettings(fps, chunkMs, duration, newLoop);
  }

  /** {@link #fps()}, or {@link #DEFAULT_FPS} when it is 0 (for sources that need a rate). */
  public int fpsOrDefault() {
    return fps == 0 ? DEFAULT_FPS : fps;
  }

  /** The media-time limit in µs ({@link Long#MAX_VALUE} without a duration). */
  public long limitUs() {
    if (duration == null) {
      return Long.MAX_VALUE;
    }
    try {
      return Math.multiplyExact(duration.toSeconds(), 1_000_000L) + duration.toNanosPart() / 1000;
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  /** Samples per channel in one chunk at {@code sampleRate} (at least one). */
  public int chunkSamples(int sampleRate) {
    return (int) Math.max(1, (long) sampleRate * chunkMs / 1000);
  }
}
