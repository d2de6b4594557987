package io.avloc.streams.sync;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Frames whose audio is complete (or given up on), in the order they became ready, across all
 * cameras of the task: the {@link SyncStores#READY} store. An entry is only a reference; the frame
 * and its audio stay in their stores until the heatmap is forwarded, and the entry is deleted in
 * the same transaction.
 *
 * <p>Keys are a sequence number, so "oldest first" means "ready first": readiness is decided on
 * each camera's own clock, and capture times of different cameras are never compared. Which entries
 * form a batch (fair across cameras, newest first under load) is the synchronizer's policy; the
 * queue only lists them, overall and per camera.
 */
final class ReadyQueue {

  /**
   * One ready frame.
   *
   * @param camera camera id
   * @param frameTsUs capture time, µs (camera time)
   * @param readyAtUs wall clock when it became ready, µs
   */
  record Ref(String camera, long frameTsUs, long readyAtUs) {
    private static final byte VERSION = 1;

    Ref {
      Objects.requireNonNull(camera, "camera");
    }

    static Serde<Ref> serde() {
      return Serdes.serdeFrom(
          (topic, r) -> r == null ? null : r.toBytes(),
          (topic, bytes) -> bytes == null ? null : fromBytes(bytes));
    }

    byte[] toBytes() {
      byte[] id = camera.getBytes(StandardCharsets.UTF_8);
      return ByteBuffer.allocate(1 + 8 + 8 + id.length)
          .put(VERSION)
          .putLong(frameTsUs)
          .putLong(readyAtUs)
          .put(id)
          .array();
    }

    static Ref fromBytes(byte[] bytes) {
      ByteBuffer b = ByteBuffer.wrap(bytes);
      byte version = b.get();
      if (version != VERSION) {
        throw new SerializationException("unknown ready-queue entry version " + version);
      }
      long frameTsUs = b.getLong();
      long readyAtUs = b.getLong();
      String camera = new String(bytes, b.position(), b.remaining(), StandardCharsets.UTF_8);
      return new Ref(camera, frameTsUs, readyAtUs);
    }
  }

  private final KeyValueStore<Long, Ref> store;
  // A mirror of the store, so that batch formation can look at every camera's entries without a
  // store scan per batch. The store stays the truth for exactly-once: the mirror is rebuilt from it
  // on open and changed only together with it.
  private final TreeMap<Long, Ref> entries = new TreeMap<>();
  private final Map<String, TreeMap<Long, Ref>> byCamera = new HashMap<>();
  private long nextSeq;

  /** Opens the queue over its (possibly restored) store and loads what is in it. */
  ReadyQueue(KeyValueStore<Long, Ref> store) {
    this.store = store;
    long max = -1;
    try (KeyValueIterator<Long, Ref> it = store.all()) {
      while (it.hasNext()) {
        KeyValue<Long, Ref> kv = it.next();
        mirror(kv.key, kv.value);
        max = Math.max(max, kv.key);
      }
    }
    this.nextSeq = max + 1;
  }

  void add(Ref ref) {
    long seq = nextSeq++;
    store.put(seq, ref);
    mirror(seq, ref);
  }

  int size() {
    return entries.size();
  }

  /** Up to {@code n} oldest entries, oldest first. */
  List<KeyValue<Long, Ref>> oldest(int n) {
    List<KeyValue<Long, Ref>> out = new ArrayList<>(Math.min(n, entries.size()));
    for (Map.Entry<Long, Ref> e : entries.entrySet()) {
      if (out.size() >= n) {
        break;
      }
      out.add(KeyValue.pair(e.getKey(), e.getValue()));
    }
    return out;
  }

  /** The cameras with entries, in no particular order. */
  Set<String> cameras() {
    return Collections.unmodifiableSet(byCamera.keySet());
  }

  /**
   * The camera's entries, oldest first (a camera's frames become ready in capture order, so this is
   * also capture order); empty if it has none.
   */
  List<KeyValue<Long, Ref>> entries(String camera) {
    TreeMap<Long, Ref> m = byCamera.get(camera);
    if (m == null) {
      return List.of();
    }
    List<KeyValue<Long, Ref>> out = new ArrayList<>(m.size());
    m.forEach((seq, ref) -> out.add(KeyValue.pair(seq, ref)));
    return out;
  }

  void remove(long seq) {
    Ref ref = entries.remove(seq);
    if (ref == null) {
      return;
    }
    store.delete(seq);
    TreeMap<Long, Ref> m = byCamera.get(ref.camera());
    m.remove(seq);
    if (m.isEmpty()) {
      byCamera.remove(ref.camera());
    }
  }

  private void mirror(long seq, Ref ref) {
    entries.put(seq, ref);
    byCamera.computeIfAbsent(ref.camera(), c -> new TreeMap<>()).put(seq, ref);
  }
}
