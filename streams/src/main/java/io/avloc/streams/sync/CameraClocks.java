package io.avloc.streams.sync;

import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Read-only view of the cameras' clocks that the synchronizer keeps in its {@link
 * SyncStores#CAMERAS} store, for the clock-skew guard of ingest ({@code
 * io.avloc.streams.ingest.ClockSkewGuard}), which runs in the same task before the synchronizer. A
 * processor that uses it must be connected to the store ({@code
 * Topology.connectProcessorAndStateStores(name, SyncStores.CAMERAS)}).
 */
public final class CameraClocks {

  /** The store this view reads. */
  public static final String STORE = SyncStores.CAMERAS;

  /**
   * A camera's clock.
   *
   * @param clockUs the latest frame time or audio end accepted from the camera, µs of its clock
   * @param lastSeenWallUs wall clock of the camera's last record, µs
   */
  public record Reading(long clockUs, long lastSeenWallUs) {}

  private final KeyValueStore<String, CameraState> store;

  private CameraClocks(KeyValueStore<String, CameraState> store) {
    this.store = store;
  }

  /** The view on the store of {@code context}'s task. */
  public static CameraClocks of(ProcessorContext<?, ?> context) {
    return new CameraClocks(context.getStateStore(STORE));
  }

  /** The camera's clock, or null when it has none yet (new camera, or no record accepted). */
  public Reading read(String camera) {
    CameraState s = store.get(camera);
    if (s == null || s.clockUs == CameraState.NONE) {
      return null;
    }
    return new Reading(s.clockUs, s.lastSeenWallUs);
  }
}
