package io.avloc.streams.watch;

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
 */
public record WatchStats(
    long takenAtUs,
    double windowSeconds,
    String status,
    long invalidRecords,
    List<CameraSnapshot> cameras) {

  public WatchStats {
    cameras = List.copyOf(cameras);
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
    return new WatchStats(takenAtUs, windowSeconds, newStatus, invalidRecords, cameras);
  }
}
