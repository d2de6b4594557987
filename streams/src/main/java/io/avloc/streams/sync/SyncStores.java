package io.avloc.streams.sync;

import java.util.List;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The state stores of the {@link AvSynchronizer}: persistent (RocksDB) key-value stores with
 * changelogs, so that a restarted or migrated task resumes where the last commit left it.
 *
 * <p>{@link AvSynchronizer#supplier} returns these builders from {@code stores()}, so {@code
 * Topology.addProcessor} (or {@code KStream.process}) adds and connects them; do not add them
 * again.
 */
public final class SyncStores {
  private SyncStores() {}

  /** Default prefix of the store names. */
  public static final String PREFIX = "avloc-sync";

  /** {@code (camera, first-sample time)} → 16 kHz mono PCM s16le. */
  public static final String AUDIO = PREFIX + "-audio";

  /** {@code (camera, capture time)} → a frame waiting for audio or for its batch. */
  public static final String FRAMES = PREFIX + "-frames";

  /** sequence number → reference to a ready frame, in the order frames became ready. */
  public static final String READY = PREFIX + "-ready";

  /** camera id → the camera's clock and bookkeeping. */
  public static final String CAMERAS = PREFIX + "-cameras";

  /** All store names, for {@code Topology.connectProcessorAndStateStores} and tooling. */
  public static final List<String> NAMES = List.of(AUDIO, FRAMES, READY, CAMERAS);

  /** Persistent, changelogged builders for the four stores. */
  public static Set<StoreBuilder<?>> builders() {
    return Set.of(
        audio(Stores.persistentKeyValueStore(AUDIO)),
        frames(Stores.persistentKeyValueStore(FRAMES)),
        ready(Stores.persistentKeyValueStore(READY)),
        cameras(Stores.persistentKeyValueStore(CAMERAS)));
  }

  /**
   * In-memory builders (still changelogged, so state is restored on restart, from Kafka instead of
   * local disk). For tests and for deployments without local disk.
   */
  public static Set<StoreBuilder<?>> inMemoryBuilders() {
    return Set.of(
        audio(Stores.inMemoryKeyValueStore(AUDIO)),
        frames(Stores.inMemoryKeyValueStore(FRAMES)),
        ready(Stores.inMemoryKeyValueStore(READY)),
        cameras(Stores.inMemoryKeyValueStore(CAMERAS)));
  }

  // Audio chunks and frames are written once and deleted once, and frames are large: a cache would
  // only copy them. The ready queue and camera states change on almost every record and are often
  // overwritten or deleted before the next commit, so caching saves changelog traffic there.

  static StoreBuilder<KeyValueStore<Bytes, byte[]>> audio(KeyValueBytesStoreSupplier supplier) {
    return Stores.keyValueStoreBuilder(supplier, Serdes.Bytes(), Serdes.ByteArray());
  }

  static StoreBuilder<KeyValueStore<Bytes, PendingFrame>> frames(
      KeyValueBytesStoreSupplier supplier) {
    return Stores.keyValueStoreBuilder(supplier, Serdes.Bytes(), PendingFrame.serde());
  }

  static StoreBuilder<KeyValueStore<Long, ReadyQueue.Ref>> ready(
      KeyValueBytesStoreSupplier supplier) {
    return Stores.keyValueStoreBuilder(supplier, Serdes.Long(), ReadyQueue.Ref.serde())
        .withCachingEnabled();
  }

  static StoreBuilder<KeyValueStore<String, CameraState>> cameras(
      KeyValueBytesStoreSupplier supplier) {
    return Stores.keyValueStoreBuilder(supplier, Serdes.String(), CameraState.serde())
        .withCachingEnabled();
  }
}
