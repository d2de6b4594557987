package io.avloc.streams.sync;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The synchronizer's persistent stores, each of which runs a hook right after it has been closed
 * (and RocksDB has written its memtables to disk). TopologyTestDriver deletes the task directories
 * as the last step of {@code close()}; the hook is the moment to take the state aside.
 */
final class AfterCloseStores {
  private AfterCloseStores() {}

  static Set<StoreBuilder<?>> builders(Runnable afterClose) {
    return Set.of(
        SyncStores.audio(supplier(SyncStores.AUDIO, afterClose)),
        SyncStores.frames(supplier(SyncStores.FRAMES, afterClose)),
        SyncStores.ready(supplier(SyncStores.READY, afterClose)),
        SyncStores.cameras(supplier(SyncStores.CAMERAS, afterClose)));
  }

  private static KeyValueBytesStoreSupplier supplier(String name, Runnable afterClose) {
    KeyValueBytesStoreSupplier inner = Stores.persistentKeyValueStore(name);
    return new KeyValueBytesStoreSupplier() {
      @Override
      public String name() {
        return inner.name();
      }

      @Override
      public KeyValueStore<Bytes, byte[]> get() {
        return new Hooked(inner.get(), afterClose);
      }

      @Override
      public String metricsScope() {
        return inner.metricsScope();
      }
    };
  }

  private record Hooked(KeyValueStore<Bytes, byte[]> inner, Runnable afterClose)
      implements KeyValueStore<Bytes, byte[]> {

    @Override
    public void close() {
      inner.close();
      afterClose.run();
    }

    @Override
    public String name() {
      return inner.name();
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
      inner.init(context, root);
    }

    @Override
    @SuppressWarnings("deprecation")
    public void flush() {
      inner.flush();
    }

    @Override
    public void commit(Map<TopicPartition, Long> changelogOffsets) {
      inner.commit(changelogOffsets);
    }

    @Override
    public Long committedOffset(TopicPartition partition) {
      return inner.committedOffset(partition);
    }

    @Override
    public boolean persistent() {
      return inner.persistent();
    }

    @Override
    public boolean managesOffsets() {
      return inner.managesOffsets();
    }

    @Override
    public boolean isOpen() {
      return inner.isOpen();
    }

    @Override
    public <R> QueryResult<R> query(Query<R> query, PositionBound bound, QueryConfig config) {
      return inner.query(query, bound, config);
    }

    @Override
    public Position getPosition() {
      return inner.getPosition();
    }

    @Override
    public void put(Bytes key, byte[] value) {
      inner.put(key, value);
    }

    @Override
    public byte[] putIfAbsent(Bytes key, byte[] value) {
      return inner.putIfAbsent(key, value);
    }

    @Override
    public void putAll(List<KeyValue<Bytes, byte[]>> entries) {
      inner.putAll(entries);
    }

    @Override
    public byte[] delete(Bytes key) {
      return inner.delete(key);
    }

    @Override
    public byte[] get(Bytes key) {
      return inner.get(key);
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> range(Bytes from, Bytes to) {
      return inner.range(from, to);
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> reverseRange(Bytes from, Bytes to) {
      return inner.reverseRange(from, to);
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> all() {
      return inner.all();
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> reverseAll() {
      return inner.reverseAll();
    }

    @Override
    public <PS extends Serializer<P>, P> KeyValueIterator<Bytes, byte[]> prefixScan(
        P prefix, PS prefixKeySerializer) {
      return inner.prefixScan(prefix, prefixKeySerializer);
    }

    @Override
    public long approximateNumEntries() {
      return inner.approximateNumEntries();
    }
  }
}
