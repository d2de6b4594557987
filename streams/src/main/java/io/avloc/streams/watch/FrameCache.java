package io.avloc.streams.watch;

import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each camera's most recent encoded frames, by capture time, so an overlay can use the very frame a
 * heatmap was computed on: heatmap events trail their frames by the pipeline's latency. Frames are
 * kept encoded (JPEG/PNG, as on the topic) and decoded only when an overlay is drawn. Thread-safe.
 */
public final class FrameCache {

  /** The default number of frames kept per camera. */
  public static final int DEFAULT_PER_CAMERA = 64;

  /** An encoded frame and its capture time (µs since the epoch). */
  public record Frame(String camera, long tsUs, byte[] bytes) {
    public Frame {
      Objects.requireNonNull(camera, "camera");
      Objects.requireNonNull(bytes, "bytes");
    }
  }

  private final int perCamera;
  private final Map<String, NavigableMap<Long, Frame>> frames = new ConcurrentHashMap<>();

  public FrameCache() {
    this(DEFAULT_PER_CAMERA);
  }

  /**
   * @param perCamera how many of each camera's latest frames to keep, at least 1
   */
  public FrameCache(int perCamera) {
    if (perCamera < 1) {
      throw new IllegalArgumentException("perCamera must be at least 1, got " + perCamera);
    }
    this.perCamera = perCamera;
  }

  /**
   * Keeps a frame. When the camera already has {@code perCamera} frames the oldest goes; a frame
   * older than all kept ones is then not kept. A second frame with the same time replaces the
   * first.
   */
  public void put(String camera, long tsUs, byte[] bytes) {
    Frame frame = new Frame(camera, tsUs, bytes);
    NavigableMap<Long, Frame> byTs = frames.computeIfAbsent(camera, c -> new TreeMap<>());
    synchronized (byTs) {
      byTs.put(tsUs, frame);
      while (byTs.size() > perCamera) {
        byTs.pollFirstEntry();
      }
    }
  }

  /** The frame captured at exactly {@code tsUs}, else the camera's latest, if any. */
  public Optional<Frame> frameAt(String camera, long tsUs) {
    NavigableMap<Long, Frame> byTs = frames.get(camera);
    if (byTs == null) {
      return Optional.empty();
    }
    synchronized (byTs) {
      Frame exact = byTs.get(tsUs);
      if (exact != null) {
        return Optional.of(exact);
      }
      Map.Entry<Long, Frame> last = byTs.lastEntry();
      return last == null ? Optional.empty() : Optional.of(last.getValue());
    }
  }

  /** The camera's latest frame, if any. */
  public Optional<Frame> latest(String camera) {
    NavigableMap<Long, Frame> byTs = frames.get(camera);
    if (byTs == null) {
      return Optional.empty();
    }
    synchronized (byTs) {
      Map.Entry<Long, Frame> last = byTs.lastEntry();
      return last == null ? Optional.empty() : Optional.of(last.getValue());
    }
  }

  /** How many frames are kept for the camera. */
  public int size(String camera) {
    NavigableMap<Long, Frame> byTs = frames.get(camera);
    if (byTs == null) {
      return 0;
    }
    synchronized (byTs) {
      return byTs.size();
    }
  }
}
