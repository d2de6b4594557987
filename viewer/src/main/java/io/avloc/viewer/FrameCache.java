package io.avloc.viewer;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Each camera's recent encoded frames, by capture time, so an overlay is drawn on the very frame a
 * heatmap was computed on: heatmap events trail their frames by the pipeline's latency, and a
 * heatmap drawn on any other frame would point at the wrong picture. Frames are kept encoded
 * (JPEG/PNG, as on the topic) and decoded only when an overlay is drawn.
 *
 * <p>Sized by time, bounded in memory: a camera keeps the frames captured within {@link
 * #retention()} of its newest one (the worst latency at which the viewer still pairs a heatmap with
 * its frame), and all cameras together keep at most {@link #maxBytes()}; over that bound the oldest
 * frame of the camera holding the most bytes goes first, so one high-resolution camera cannot push
 * the others out. A lookup never substitutes another frame: {@link #lookup} says exactly why a
 * frame is not at hand. Thread-safe.
 */
public final class FrameCache {

  /**
   * Default retention: far above the real-time pipeline's latency (its stale budget is a fraction
   * of a second, its end-to-end latency a few seconds on a busy machine), so heatmaps of a lagging
   * pipeline still find their frames.
   */
  public static final Duration DEFAULT_RETENTION = Duration.ofSeconds(30);

  /**
   * Default memory bound: 256 MiB, or a quarter of the heap when that is less. 30 s of one 25 fps
   * camera's 320×240 JPEGs is about 11 MiB; the bound matters from about 20 such cameras on.
   */
  public static long defaultMaxBytes() {
    return Math.min(256L << 20, Runtime.getRuntime().maxMemory() / 4);
  }

  /** An encoded frame and its capture time (µs since the epoch). */
  public record Frame(String camera, long tsUs, byte[] bytes) {
    public Frame {
      Objects.requireNonNull(camera, "camera");
      Objects.requireNonNull(bytes, "bytes");
    }
  }

  /** Where the frame of a capture time is. */
  public enum Status {
    /** The frame is held: the overlay is drawn on it. */
    PAIRED,
    /** Newer than every frame held: the frames consumer has not read it yet. */
    PENDING,
    /** It was held and dropped: older than the retention, or pushed out by the memory bound. */
    EVICTED,
    /** Older than the first frame this viewer read of the camera (it started reading later). */
    BEFORE_START,
    /** Within the span of frames read, but no frame has exactly this capture time. */
    NOT_ON_TOPIC,
    /** No frame of this camera has been read at all. */
    NO_FRAMES,
    /** The viewer reads no frames topic. */
    NO_FRAMES_TOPIC
  }

  /**
   * The answer to a lookup.
   *
   * @param status where the frame is
   * @param frame the frame, only when {@link Status#PAIRED}
   * @param reason why there is no frame, for people; {@code null} when paired
   */
  public record Lookup(Status status, Frame frame, String reason) {
    /** Whether the frame is at hand. */
    public boolean paired() {
      return status == Status.PAIRED;
    }
  }

  private final long retentionUs;
  private final long maxBytes;
  private final Map<String, CameraFrames> cameras = new HashMap<>();
  private long bytes;

  /** One camera's frames and what has been dropped of them. */
  private static final class CameraFrames {
    final NavigableMap<Long, Frame> byTs = new TreeMap<>();
    long bytes;
    long firstSeenTsUs = Long.MAX_VALUE;
    long evictedThroughUs = Long.MIN_VALUE;
  }

  public FrameCache() {
    this(DEFAULT_RETENTION, defaultMaxBytes());
  }

  /**
   * @param retention how far behind its newest frame a camera's frames are kept; positive
   * @param maxBytes the most encoded bytes kept over all cameras; at least 1
   */
  public FrameCache(Duration retention, long maxBytes) {
    if (retention == null || retention.isNegative() || retention.isZero()) {
      throw new IllegalArgumentException("retention must be a positive duration, got " + retention);
    }
    if (maxBytes < 1) {
      throw new IllegalArgumentException("maxBytes must be at least 1, got " + maxBytes);
    }
    this.retentionUs = retention.toNanos() / 1000;
    this.maxBytes = maxBytes;
  }

  /** How far behind its newest frame a camera's frames are kept. */
  public Duration retention() {
    return Duration.ofNanos(retentionUs * 1000);
  }

  /** The most encoded bytes kept over all cameras. */
  public long maxBytes() {
    return maxBytes;
  }

  /**
   * Keeps a frame, then drops what falls out of the retention or the memory bound. A second frame
   * with the same time replaces the first; a frame already older than the retention is not kept.
   */
  public synchronized void put(String camera, long tsUs, byte[] encoded) {
    Frame frame = new Frame(camera, tsUs, encoded);
    CameraFrames c = cameras.computeIfAbsent(camera, k -> new CameraFrames());
    c.firstSeenTsUs = Math.min(c.firstSeenTsUs, tsUs);
    Frame old = c.byTs.put(tsUs, frame);
    if (old != null) {
      c.bytes -= old.bytes().length;
      bytes -= old.bytes().length;
    }
    c.bytes += encoded.length;
    bytes += encoded.length;
    long horizon = c.byTs.lastKey() - retentionUs;
    while (c.byTs.firstKey() < horizon) {
      evictOldest(c);
    }
    while (bytes > maxBytes) {
      CameraFrames largest = null;
      for (CameraFrames other : cameras.values()) {
        if (!other.byTs.isEmpty() && (largest == null || other.bytes > largest.bytes)) {
          largest = other;
        }
      }
      evictOldest(largest);
    }
  }

  private void evictOldest(CameraFrames c) {
    Map.Entry<Long, Frame> e = c.byTs.pollFirstEntry();
    c.bytes -= e.getValue().bytes().length;
    bytes -= e.getValue().bytes().length;
    c.evictedThroughUs = Math.max(c.evictedThroughUs, e.getKey());
  }

  /** The frame captured at exactly {@code tsUs}, or why it is not at hand; never another frame. */
  public synchronized Lookup lookup(String camera, long tsUs) {
    CameraFrames c = cameras.get(camera);
    if (c == null) {
      return new Lookup(Status.NO_FRAMES, null, "no frame of this camera has arrived");
    }
    Frame exact = c.byTs.get(tsUs);
    if (exact != null) {
      return new Lookup(Status.PAIRED, exact, null);
    }
    if (tsUs <= c.evictedThroughUs) {
      return new Lookup(
          Status.EVICTED,
          null,
          "its frame was dropped from the frame cache (it keeps "
              + seconds(retentionUs)
              + " behind each camera's newest frame, "
              + (maxBytes >> 20)
              + " MiB in all): the heatmap came later than that");
    }
    if (!c.byTs.isEmpty() && tsUs > c.byTs.lastKey()) {
      return new Lookup(Status.PENDING, null, "its frame has not arrived yet");
    }
    if (tsUs < c.firstSeenTsUs) {
      return new Lookup(
          Status.BEFORE_START, null, "its frame is older than the first frame this viewer read");
    }
    return new Lookup(
        Status.NOT_ON_TOPIC, null, "no frame with this capture time is on the frames topic");
  }

  /** The camera's latest frame, if any. */
  public synchronized Optional<Frame> latest(String camera) {
    CameraFrames c = cameras.get(camera);
    if (c == null || c.byTs.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(c.byTs.lastEntry().getValue());
  }

  /** How many frames are kept for the camera. */
  public synchronized int size(String camera) {
    CameraFrames c = cameras.get(camera);
    return c == null ? 0 : c.byTs.size();
  }

  /** Encoded bytes kept over all cameras. */
  public synchronized long bytes() {
    return bytes;
  }

  private static String seconds(long us) {
    return us % 1_000_000 == 0
        ? us / 1_000_000 + " s"
        : String.format(java.util.Locale.ROOT, "%.1f s", us / 1e6);
  }
}
