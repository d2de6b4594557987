package io.avloc.streams.sync;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

class ReadyQueueTest {

  private final KeyValueStore<Long, ReadyQueue.Ref> store;

  ReadyQueueTest() {
    store =
        SyncStores.ready(Stores.inMemoryKeyValueStore("ready"))
            .withLoggingDisabled()
            .withCachingDisabled()
            .build();
    store.init(new MockProcessorContext<>().getStateStoreContext(), store);
  }

  @Test
  void entriesComeOutInTheOrderTheyWereAddedAcrossCameras() {
    ReadyQueue q = new ReadyQueue(store);
    q.add(new ReadyQueue.Ref("b", 900, 1));
    q.add(new ReadyQueue.Ref("a", 5, 2));
    q.add(new ReadyQueue.Ref("b", 1_000, 3));

    assertThat(q.oldest(2))
        .extracting(kv -> kv.value.camera(), kv -> kv.value.frameTsUs())
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("b", 900L),
            org.assertj.core.groups.Tuple.tuple("a", 5L));
    assertThat(q.size()).isEqualTo(3);
  }

  @Test
  void reopeningTheStoreContinuesTheSequenceAfterItsEntries() {
    ReadyQueue q = new ReadyQueue(store);
    for (int i = 0; i < 4; i++) {
      q.add(new ReadyQueue.Ref("cam", i, i));
    }
    for (KeyValue<Long, ReadyQueue.Ref> kv : q.oldest(2)) {
      q.remove(kv.key);
    }

    ReadyQueue reopened = new ReadyQueue(store);
    assertThat(reopened.size()).isEqualTo(2);
    reopened.add(new ReadyQueue.Ref("new", 0, 0));
    assertThat(reopened.oldest(10))
        .extracting(kv -> kv.key, kv -> kv.value.camera())
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(2L, "cam"),
            org.assertj.core.groups.Tuple.tuple(3L, "cam"),
            org.assertj.core.groups.Tuple.tuple(4L, "new"));
  }

  @Test
  void removingAnAbsentEntryLeavesTheSizeAlone() {
    ReadyQueue q = new ReadyQueue(store);
    q.add(new ReadyQueue.Ref("cam", 1, 1));
    q.remove(42);
    assertThat(q.size()).isEqualTo(1);
    q.remove(0);
    assertThat(q.size()).isZero();
    assertThat(q.oldest(5)).isEmpty();
  }
}
