package io.avloc.modelserver.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DynamicBatcherTest {

  private static final long WAIT_S = 10;

  private final MeterRegistry registry = new SimpleMeterRegistry();
  private final List<DynamicBatcher<?, ?>> batchers = new ArrayList<>();

  /**
   * A slow fake engine: records each batch, multiplies by 10, fails on negative inputs, and can be
   * held on a gate so that requests pile up in the queue.
   */
  static final class FakeEngine implements BatchRunner<Integer, Integer> {
    final List<List<Integer>> batches = new CopyOnWriteArrayList<>();
    final CountDownLatch release = new CountDownLatch(1);
    final CountDownLatch firstBatchStarted = new CountDownLatch(1);
    volatile boolean gated;

    FakeEngine gated() {
      gated = true;
      return this;
    }

    @Override
    public List<Integer> run(List<Integer> inputs) throws Exception {
      batches.add(inputs);
      firstBatchStarted.countDown();
      if (gated && !release.await(WAIT_S, TimeUnit.SECONDS)) {
        throw new IllegalStateException("test gate never opened");
      }
      List<Integer> out = new ArrayList<>(inputs.size());
      for (int x : inputs) {
        if (x < 0) {
          throw new IllegalArgumentException("engine failure on " + x);
        }
        out.add(x * 10);
      }
      return out;
    }

    List<Integer> seen() {
      return batches.stream().flatMap(List::stream).toList();
    }
  }

  private <I, O> DynamicBatcher<I, O> batcher(BatcherConfig config, BatchRunner<I, O> runner) {
    DynamicBatcher<I, O> b = new DynamicBatcher<>(config, runner, registry);
    batchers.add(b);
    return b;
  }

  @AfterEach
  void closeAll() throws InterruptedException {
    for (DynamicBatcher<?, ?> b : batchers) {
      b.close(Duration.ofSeconds(WAIT_S));
    }
  }

  private double rejected(String reason) {
    return registry.get("avloc.batcher.rejected").tag("reason", reason).counter().count();
  }

  private static RejectionReason reasonOf(CompletableFuture<?> f) {
    assertThat(f).failsWithin(Duration.ofSeconds(WAIT_S));
    Throwable cause = f.handle((v, t) -> t).join();
    assertThat(cause).isInstanceOf(RejectedException.class);
    return ((RejectedException) cause).reason();
  }

  /** Holds the single worker inside a first batch [0] so that later submits stay queued. */
  private static CompletableFuture<Integer> occupyWorker(
      DynamicBatcher<Integer, Integer> b, FakeEngine engine) throws InterruptedException {
    CompletableFuture<Integer> first = b.submit(0);
    assertThat(engine.firstBatchStarted.await(WAIT_S, TimeUnit.SECONDS)).isTrue();
    return first;
  }

  private static BatcherConfig.Builder config() {
    return BatcherConfig.builder().name("test");
  }

  @Test
  void defaultsAreCapacity256Batch8Delay5msReject() {
    BatcherConfig c = BatcherConfig.defaults();
    assertThat(c.capacity()).isEqualTo(256);
    assertThat(c.maxBatchSize()).isEqualTo(8);
    assertThat(c.maxQueueDelay()).isEqualTo(Duration.ofMillis(5));
    assertThat(c.overloadPolicy()).isEqualTo(OverloadPolicy.REJECT);
    assertThat(c.workers()).isEqualTo(1);
    assertThat(c.toBuilder().capacity(3).build().capacity()).isEqualTo(3);
  }

  @Test
  void invalidSettingsAreRefused() {
    assertThatThrownBy(() -> config().capacity(0).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("capacity");
    assertThatThrownBy(() -> config().maxBatchSize(0).build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> config().maxQueueDelay(Duration.ofMillis(-1)).build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> config().workers(0).build())
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void resultsMatchInputsInOrderAcrossSeveralBatches() throws Exception {
    FakeEngine engine = new FakeEngine();
    DynamicBatcher<Integer, Integer> b =
        batcher(config().maxBatchSize(4).maxQueueDelay(Duration.ofMillis(2)).build(), engine);
    List<CompletableFuture<Integer>> futures = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      futures.add(b.submit(i));
    }
    for (int i = 0; i < 50; i++) {
      assertThat(futures.get(i).get(WAIT_S, TimeUnit.SECONDS)).isEqualTo(i * 10);
    }
    assertThat(engine.batches.size()).isGreaterThanOrEqualTo(13); // 50 / 4
    assertThat(engine.seen()).isEqualTo(java.util.stream.IntStream.range(0, 50).boxed().toList());
    assertThat(registry.get("avloc.batcher.batch.size").summary().totalAmount()).isEqualTo(50);
    assertThat(registry.get("avloc.batcher.queue.time").timer().count()).isEqualTo(50);
    assertThat(registry.get("avloc.batcher.queue.depth").gauge().value()).isZero();
  }

  @Test
  void batchesNeverExceedMaxBatchSize() throws Exception {
    FakeEngine engine = new FakeEngine().gated();
    DynamicBatcher<Integer, Integer> b =
        batcher(config().maxBatchSize(3).maxQueueDelay(Duration.ofMillis(50)).build(), engine);
    List<CompletableFuture<Integer>> futures = new ArrayList<>();
    futures.add(occupyWorker(b, engine));
    for (int i = 1; i <= 10; i++) {
      futures.add(b.submit(i));
    }
    assertThat(b.queueDepth()).isEqualTo(10);
    assertThat(registry.get("avloc.batcher.queue.depth").gauge().value()).isEqualTo(10);
    engine.release.countDown();
    CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
        .get(WAIT_S, TimeUnit.SECONDS);
    assertThat(engine.batches).allSatisfy(batch -> assertThat(batch).hasSizeLessThanOrEqualTo(3));
    // the 10 queued requests were waiting together: full batches of 3, then the rest
    assertThat(engine.batches.subList(1, engine.batches.size()))
        .extracting(List::size)
        .containsExactly(3, 3, 3, 1);
  }

  @Test
  void loneRequestIsServedAfterTheQueueDelay() throws Exception {
    FakeEngine engine = new FakeEngine();
    DynamicBatcher<Integer, Integer> b =
        batcher(config().maxBatchSize(8).maxQueueDelay(Duration.ofMillis(20)).build(), engine);
    assertThat(b.submit(7).get(WAIT_S, TimeUnit.SECONDS)).isEqualTo(70);
    assertThat(engine.batches).containsExactly(List.of(7));
  }

  @Test
  void rejectPolicyFailsTheNewRequestWhenFullAndCountsIt() throws Exception {
    FakeEngine engine = new FakeEngine().gated();
    DynamicBatcher<Integer, Integer> b =
        batcher(config().capacity(2).maxBatchSize(1).build(), engine);
    CompletableFuture<Integer> running = occupyWorker(b, engine);
    CompletableFuture<Integer> q1 = b.submit(1);
    CompletableFuture<Integer> q2 = b.submit(2);
    CompletableFuture<Integer> over = b.submit(3);

    assertThat(reasonOf(over)).isEqualTo(RejectionReason.FULL);
    assertThatThrownBy(over::join).hasMessageContaining("queue full");
    assertThat(rejected("full")).isEqualTo(1);

    engine.release.countDown();
    assertThat(running.get(WAIT_S, TimeUnit.SECONDS)).isZero();
    assertThat(q1.get(WAIT_S, TimeUnit.SECONDS)).isEqualTo(10);
    assertThat(q2.get(WAIT_S, TimeUnit.SECONDS)).isEqualTo(20);
    assertThat(engine.seen()).doesNotContain(3);
  }

  @Test
  void shedOldestFailsTheOldestQueuedRequestAndQueuesTheNewOne() throws Exception {
    FakeEngine engine = new FakeEngine().gated();
    DynamicBatcher<Integer, Integer> b =
        batcher(
            config().capacity(2).maxBatchSize(1).overloadPolicy(OverloadPolicy.SHED_OLDEST).build(),
            engine);
    CompletableFuture<Integer> running = occupyWorker(b, engine);
    CompletableFuture<Integer> oldest = b.submit(1);
    CompletableFuture<Integer> q2 = b.submit(2);
    CompletableFuture<Integer> newest = b.submit(3);

    assertThat(reasonOf(oldest)).isEqualTo(RejectionReason.SHED);
    assertThat(rejected("shed")).isEqualTo(1);
    assertThat(rejected("full")).isZero();
    assertThat(b.queueDepth()).isEqualTo(2);

    engine.release.countDown();
    assertThat(running.get(WAIT_S, TimeUnit.SECONDS)).isZero();
    assertThat(q2.get(WAIT_S, TimeUnit.SECONDS)).isEqualTo(20);
    assertThat(newest.get(WAIT_S, TimeUnit.SECONDS)).isEqualTo(30);
    assertThat(engine.seen()).doesNotContain(1);
  }

  @Test
  void deadlineExpiresAQueuedRequestWithoutRunningIt() throws Exception {
    FakeEngine engine = new FakeEngine().gated();
    DynamicBatcher<Integer, Integer> b = batcher(config().maxBatchSize(1).build(), engine);
    CompletableFuture<Integer> running = occupyWorker(b, engine);
    CompletableFuture<Integer> late = b.submit(1, Duration.ofMillis(30));
    CompletableFuture<Integer> patient = b.submit(2, Duration.ofMinutes(5));
    CompletableFuture<Integer> noDeadline = b.submit(3);

    // fails while the engine is still held: the deadline does not wait for the worker
    assertThat(reasonOf(late)).isEqualTo(RejectionReason.DEADLINE);
    assertThatThrownBy(late::join).hasMessageContaining("deadline");
    assertThat(rejected("deadline")).isEqualTo(1);
    assertThat(b.queueDepth()).isEqualTo(2);

    engine.release.countDown();
    assertThat(running.get(WAIT_S, TimeUnit.SECONDS)).isZero();
    assertThat(patient.get(WAIT_S, TimeUnit.SECONDS)).isEqualTo(20);
    assertThat(noDeadline.get(WAIT_S, TimeUnit.SECONDS)).isEqualTo(30);
    assertThat(engine.seen()).containsExactly(0, 2, 3);
  }

  @Test
  void nonPositiveTimeoutFailsAtOnce() {
    FakeEngine engine = new FakeEngine();
    DynamicBatcher<Integer, Integer> b = batcher(config().build(), engine);
    assertThat(reasonOf(b.submit(1, Duration.ZERO))).isEqualTo(RejectionReason.DEADLINE);
    assertThat(engine.seen()).isEmpty();
  }

  @Test
  void engineFailureFailsThatBatchOnlyAndTheBatcherKeepsRunning() throws Exception {
    FakeEngine engine = new FakeEngine().gated();
    DynamicBatcher<Integer, Integer> b =
        batcher(config().maxBatchSize(2).maxQueueDelay(Duration.ofMillis(1)).build(), engine);
    CompletableFuture<Integer> running = occupyWorker(b, engine);
    CompletableFuture<Integer> bad = b.submit(-1);
    CompletableFuture<Integer> sameBatch = b.submit(5);
    engine.release.countDown();

    assertThat(running.get(WAIT_S, TimeUnit.SECONDS)).isZero();
    for (CompletableFuture<Integer> f : List.of(bad, sameBatch)) {
      assertThatThrownBy(() -> f.get(WAIT_S, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("engine failure on -1");
    }
    assertThat(engine.batches).contains(List.of(-1, 5));
    assertThat(b.submit(7).get(WAIT_S, TimeUnit.SECONDS)).isEqualTo(70);
    assertThat(registry.get("avloc.batcher.batch.failures").counter().count()).isEqualTo(1);
  }

  @Test
  void wrongNumberOfOutputsFailsTheBatch() {
    DynamicBatcher<Integer, Integer> b = batcher(config().build(), inputs -> List.of());
    assertThat(b.submit(1))
        .failsWithin(Duration.ofSeconds(WAIT_S))
        .withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(IllegalStateException.class);
  }

  @Test
  void closeRunsEverythingQueuedAndRefusesNewSubmits() throws Exception {
    FakeEngine engine = new FakeEngine().gated();
    DynamicBatcher<Integer, Integer> b = batcher(config().maxBatchSize(2).build(), engine);
    List<CompletableFuture<Integer>> futures = new ArrayList<>();
    futures.add(occupyWorker(b, engine));
    for (int i = 1; i <= 7; i++) {
      futures.add(b.submit(i));
    }
    Thread closer = new Thread(b::close);
    closer.start();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
    while (!b.isClosed() && System.nanoTime() < end) {
      Thread.sleep(1);
    }
    assertThat(b.isClosed()).isTrue();
    CompletableFuture<Integer> tooLate = b.submit(99);
    assertThat(reasonOf(tooLate)).isEqualTo(RejectionReason.SHUTDOWN);

    engine.release.countDown();
    closer.join(TimeUnit.SECONDS.toMillis(WAIT_S));
    assertThat(closer.isAlive()).isFalse();
    for (int i = 0; i <= 7; i++) {
      assertThat(futures.get(i)).isCompletedWithValue(i * 10);
    }
    assertThat(engine.seen()).doesNotContain(99);
    assertThat(rejected("shutdown")).isEqualTo(1);
  }

  @Test
  void submitAfterCloseFailsWithShutdown() {
    DynamicBatcher<Integer, Integer> b = batcher(config().build(), new FakeEngine());
    b.close();
    CompletableFuture<Integer> f = b.submit(1);
    assertThat(reasonOf(f)).isEqualTo(RejectionReason.SHUTDOWN);
    assertThatThrownBy(f::join).hasMessageContaining("closed");
    assertThat(rejected("shutdown")).isEqualTo(1);
  }

  @Test
  void closeWithTimeoutFailsWhatIsStillQueued() throws Exception {
    FakeEngine engine = new FakeEngine().gated();
    DynamicBatcher<Integer, Integer> b = batcher(config().maxBatchSize(1).build(), engine);
    CompletableFuture<Integer> running = occupyWorker(b, engine);
    CompletableFuture<Integer> q1 = b.submit(1);
    CompletableFuture<Integer> q2 = b.submit(2);

    assertThat(b.close(Duration.ofMillis(50))).isFalse();
    assertThat(reasonOf(q1)).isEqualTo(RejectionReason.SHUTDOWN);
    assertThat(reasonOf(q2)).isEqualTo(RejectionReason.SHUTDOWN);
    assertThat(rejected("shutdown")).isEqualTo(2);

    engine.release.countDown(); // the batch already running still completes
    assertThat(running.get(WAIT_S, TimeUnit.SECONDS)).isZero();
    assertThat(engine.seen()).containsExactly(0);
  }

  @Test
  void concurrentSubmittersEachGetTheirOwnResult() throws Exception {
    int threads = 8;
    int perThread = 500;
    DynamicBatcher<String, String> b =
        batcher(
            config().capacity(threads * perThread).maxBatchSize(8).workers(2).build(),
            inputs -> inputs.stream().map(s -> "r:" + s).toList());
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Integer>> done = new ArrayList<>();
    try {
      for (int t = 0; t < threads; t++) {
        int id = t;
        done.add(
            pool.submit(
                () -> {
                  start.await();
                  List<CompletableFuture<String>> mine = new ArrayList<>();
                  for (int i = 0; i < perThread; i++) {
                    mine.add(b.submit(id + "-" + i));
                  }
                  int ok = 0;
                  for (int i = 0; i < perThread; i++) {
                    String r = mine.get(i).get(WAIT_S, TimeUnit.SECONDS);
                    if (r.equals("r:" + id + "-" + i)) {
                      ok++;
                    } else {
                      failure.set(new AssertionError("thread " + id + " got " + r));
                    }
                  }
                  return ok;
                }));
      }
      start.countDown();
      for (Future<Integer> f : done) {
        assertThat(f.get(WAIT_S * 3, TimeUnit.SECONDS)).isEqualTo(perThread);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(failure.get()).isNull();
    assertThat(registry.get("avloc.batcher.batch.size").summary().max()).isLessThanOrEqualTo(8);
  }
}
