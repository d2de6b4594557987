package io.avloc.viewer;

import java.util.List;
import java.util.Optional;

/**
 * A point-in-time view of what the watcher has seen: one {@link CameraSnapshot} per camera, sorted
 * by camera id. Immutable; serializes to the JSON of {@code /api/cameras}.
 *
 * @param takenAtUs when the snapshot was taken, µs since the epoch
 * @param windowSeconds length of the sliding window behind rates and percentiles
 * @param status what the heatmap consumer is doing, e.g. {@code consuming avloc.heatmaps (3
 *     partitions)}
 * @param invalidRecords heatmap records that were not valid {@code HeatmapEvent} JSON (skipped)
 * @param cameras per-camera statistics
 * @param frames per camera with a heatmap, which frame its latest heatmap is shown on (or why
 *     none), sorted by camera id; empty where the snapshot is taken without the viewer (statistics
 *     only)
 */
public record WatchStats(
    long takenAtUs,
    double windowSeconds,
    String status,
    long invalidRecords,
    List<CameraSnapshot> cameras,
    List<FramePairing> frames) {

  public WatchStats {
    cameras = List.copyOf(cameras);
    frames = List.copyOf(frames);
  }

  /** Statistics without frame pairings. */
  public WatchStats(
      long takenAtUs,
      double windowSeconds,
      String status,
      long invalidRecords,
      List<CameraSnapshot> cameras) {
    this(takenAtUs, windowSeconds, status, invalidRecords, cameras, List.of());
  }

  /** The statistics of one camera, if it has been seen. */
  public Optional<CameraSnapshot> camera(String id) {
    return cameras.stream().filter(c -> c.camera().equals(id)).findFirst();
  }

  /** Heatmap events seen over all cameras. */
  public long totalEvents() {
    return cameras.stream().mapToLong(CameraSnapshot::events).sum();
  }

  /** The same snapshot with another status line. */
  public WatchStats withStatus(String newStatus) {
    return new WatchStats(takenAtUs, windowSeconds, newStatus, invalidRecords, cameras, frames);
  }

  /** The same snapshot with these frame pairings. */
  public WatchStats withFrames(List<FramePairing> newFrames) {
    return new WatchStats(takenAtUs, windowSeconds, status, invalidRecords, cameras, newFrames);
  }

  /** The frame pairing of a camera's latest heatmap, if it has one. */
  public Optional<FramePairing> frame(String camera) {
    return frames.stream().filter(f -> f.camera().equals(camera)).findFirst();
  }
}
