package io.avloc.streams.sync;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Accepted frames not yet emitted, keyed by {@link CameraTimeKey} {@code (camera, capture time)}:
 * the {@link SyncStores#FRAMES} store. A frame is written once on arrival and deleted when its
 * heatmap is forwarded (or when it is dropped); whether it still waits for audio or sits in the
 * {@link ReadyQueue} is the camera's bookkeeping ({@link CameraState#releasedUpToUs}).
 */
final class PendingFrames {

  private final KeyValueStore<Bytes, PendingFrame> store;

  PendingFrames(KeyValueStore<Bytes, PendingFrame> store) {
    this.store = store;
  }

  void put(String camera, PendingFrame frame) {
    store.put(CameraTimeKey.of(camera, frame.frame().tsUs()), frame);
  }

  PendingFrame get(String camera, long tsUs) {
    return store.get(CameraTimeKey.of(camera, tsUs));
  }

  void delete(String camera, long tsUs) {
    store.delete(CameraTimeKey.of(camera, tsUs));
  }

  /** Deletes every frame of the camera; returns how many there were. */
  int deleteCamera(String camera) {
    List<Bytes> keys = new ArrayList<>();
    try (KeyValueIterator<Bytes, PendingFrame> it =
        store.range(CameraTimeKey.first(camera), CameraTimeKey.last(camera))) {
      it.forEachRemaining(kv -> keys.add(kv.key));
    }
    keys.forEach(store::delete);
    return keys.size();
  }
}
