package io.avloc.streams.sync;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
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
 * each camera's own clock, and capture times of different cameras are never compared.
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
  private long nextSeq;
  private long head; // no entry has a smaller sequence number
  private int size;

  /** Opens the queue over its (possibly restored) store and counts what is in it. */
  ReadyQueue(KeyValueStore<Long, Ref> store) {
    this.store = store;
    long min = Long.MAX_VALUE;
    long max = -1;
    int n = 0;
    try (KeyValueIterator<Long, Ref> it = store.all()) {
      while (it.hasNext()) {
        long seq = it.next().key;
        min = Math.min(min, seq);
        max = Math.max(max, seq);
        n++;
      }
    }
    this.nextSeq = max + 1;
    this.head = n == 0 ? nextSeq : min;
    this.size = n;
  }

  void add(Ref ref) {
    store.put(nextSeq++, ref);
    size++;
  }

  int size() {
    return size;
  }

  /** Up to {@code n} oldest entries, oldest first. */
  List<KeyValue<Long, Ref>> oldest(int n) {
    List<KeyValue<Long, Ref>> out = new ArrayList<>(Math.min(n, size));
    // Sequence numbers are non-negative, so their big-endian bytes sort like the numbers. Seeking
    // to the head skips the tombstones that consumed entries leave at the front of a RocksDB queue.
    try (KeyValueIterator<Long, Ref> it = store.range(head, Long.MAX_VALUE)) {
      while (it.hasNext() && out.size() < n) {
        out.add(it.next());
      }
    }
    head = out.isEmpty() ? nextSeq : out.get(0).key;
    return out;
  }

  void remove(long seq) {
    if (store.delete(seq) != null) {
      size--;
    }
  }
}
