package io.avloc.streams.sync;

import static io.avloc.streams.sync.SyncTestBed.MS;
import static io.avloc.streams.sync.SyncTestBed.S;
import static io.avloc.streams.sync.SyncTestBed.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.avloc.core.event.HeatmapEvent;
import io.avloc.core.pair.AvPair;
import io.avloc.modelserver.PairLocalizer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Batches on the inference thread ({@link AvSyncConfig#asyncBatches()}), with the real executor
 * ({@link AvSynchronizer#inferenceExecutor()}) and an engine the test lets through one batch at a
 * time. Waits are on progress (the engine entered or returned, a record forwarded), bounded so that
 * a synchronizer that never gets there fails instead of hanging.
 */
class AvSynchronizerAsyncBatchTest {

  /** Generous: only reached when the synchronizer is broken, whatever the machine's load. */
  private static final long PROGRESS_TIMEOUT_S = 120;

  private static final Duration TICK = AvSyncConfig.DEFAULT_MAX_DELAY;

  private final AvSyncConfig config = AvSyncConfig.defaults().withMaxBatch(2);
  private final RecordingLocalizer recording = new RecordingLocalizer(2);
  private final GatedEngine engine = new GatedEngine(recording);

  /** Batches handed to the inference thread, started or still queued there. */
  private final AtomicInteger handed = new AtomicInteger();

  @AfterEach
  void letTheEngineGo() {
    engine.open(); // an abandoned batch must not keep the inference thread
  }

  @Test
  void whileABatchIsInFlightRecordsAreIngestedAndItsFramesAreNeitherSelectedAgainNorShed() {
    try (SyncTestBed bed = bed(null)) {
      readyFrames(bed, 3 * S); // a full batch of two cameras: handed to the engine
      engine.awaitEntered(1);

      // The stream thread is back while the engine holds the batch: camera a's next frames come in
      // and become ready, and the wall clock passes their deadlines and the in-flight frames'.
      bed.audio("a", T0 + 3_500 * MS, T0 + 4_600 * MS, t -> 0.1);
      for (long ts : List.of(3_200 * MS, 3_400 * MS, 4 * S)) {
        bed.frame("a", T0 + ts);
      }
      bed.advanceWallClock(Duration.ofSeconds(5)); // every frame of a is past its deadline
      for (int i = 0; i < 8; i++) {
        bed.advanceWallClock(TICK);
      }

      assertThat(bed.heatmaps()).as("nothing forwarded before the engine returns").isEmpty();
      assertThat(engine.entered()).as("batches handed to the engine").isEqualTo(1);
      assertThat(handed.get()).as("real time: one batch per task in flight").isEqualTo(1);
      assertThat(bed.dropped(DropReason.STALE)).as("nothing shed while in flight").isZero();
      assertThat(bed.storeSize(SyncStores.FRAMES)).as("in flight 2 + ingested 3").isEqualTo(5);
      assertThat(bed.storeSize(SyncStores.READY)).isEqualTo(5);

      engine.open();
      List<TestRecord<String, HeatmapEvent>> out = new ArrayList<>();
      tickUntil(bed, out, () -> bed.storeSize(SyncStores.FRAMES) == 0);

      // The batch's frames once each, first; then a's later frames, each served once or shed
      // (the in-flight batch's time now counts in their deadline), its newest served.
      List<String> served =
          out.stream().map(r -> r.key() + "@" + (r.value().frameTsUs() - T0) / MS).toList();
      assertThat(served).startsWith("a@3000", "b@3000").endsWith("a@4000").doesNotHaveDuplicates();
      assertThat(served.size() + bed.dropped(DropReason.STALE)).isEqualTo(5.0);
      assertThat(out.get(0).timestamp()).isEqualTo((T0 + 3 * S) / MS);
      assertThat(out.get(0).headers().lastHeader("model")).isNotNull();
      assertThat(recording.pairs()).hasSize(served.size());
      assertThat(bed.storeSize(SyncStores.READY)).isZero();
    }
  }

  @Test
  void catchUpHandsTheNextBatchOverWhileOneRunsAndKeepsEveryFrameInCaptureOrder() {
    try (SyncTestBed bed = bed(config.withMode(SyncMode.CATCH_UP), null, SyncStores.builders())) {
      readyFrames(bed, 3 * S); // a full batch: handed to the engine, the thread returns at once
      engine.awaitEntered(1);

      // The backlog goes on while the engine holds the batch: both cameras' later frames are
      // ingested and become ready (four full batches). One more is handed over to wait on the
      // inference thread, so that the engine need not wait for the stream thread to apply the
      // first; the rest wait in the stores until the first is applied.
      List<Long> later = List.of(3_200 * MS, 3_400 * MS, 3_600 * MS, 4 * S);
      for (String camera : List.of("a", "b")) {
        bed.audio(camera, T0 + 3_500 * MS, T0 + 5 * S, t -> 0.1);
        for (long ts : later) {
          bed.frame(camera, T0 + ts);
        }
      }
      for (int i = 0; i < 8; i++) {
        bed.advanceWallClock(TICK);
      }
      assertThat(bed.heatmaps()).as("nothing forwarded before the engine returns").isEmpty();
      assertThat(engine.entered()).as("the engine runs one batch at a time").isEqualTo(1);
      assertThat(handed.get())
          .as("batches in flight for the task")
          .isEqualTo(AvSynchronizer.CATCH_UP_MAX_IN_FLIGHT);
      assertThat(bed.storeSize(SyncStores.READY)).as("in flight 2 + ingested 8").isEqualTo(10);

      engine.open();
      List<TestRecord<String, HeatmapEvent>> out = new ArrayList<>();
      tickUntil(bed, out, () -> bed.storeSize(SyncStores.FRAMES) == 0);

      for (String camera : List.of("a", "b")) {
        assertThat(out)
            .filteredOn(r -> r.key().equals(camera))
            .extracting(r -> (r.value().frameTsUs() - T0) / MS)
            .as("camera %s: every frame once, in capture order", camera)
            .containsExactly(3_000L, 3_200L, 3_400L, 3_600L, 4_000L);
      }
      assertThat(engine.entered()).as("five full batches of two").isEqualTo(5);
      assertThat(handed.get()).isEqualTo(5);
      assertThat(bed.dropped(DropReason.STALE)).isZero();
      assertThat(bed.storeSize(SyncStores.READY)).isZero();
    }
  }

  @Test
  void aBatchInFlightWhenTheTaskClosesIsNotForwardedAndIsRunAgainFromTheStores(@TempDir Path dir) {
    Path live = dir.resolve("live");
    Path preserved = dir.resolve("preserved");
    List<TestRecord<String, HeatmapEvent>> beforeClose;
    try (SyncTestBed bed =
        bed(live, AfterCloseStores.builders(() -> SyncTestBed.copyTree(live, preserved)))) {
      readyFrames(bed, 3 * S);
      engine.awaitEntered(1);
      beforeClose = bed.heatmaps();
    } // closes the task while the engine still holds the batch
    assertThat(beforeClose).isEmpty();

    engine.open();
    engine.awaitReturned(1); // the abandoned batch ran; nobody applies it

    RecordingLocalizer again = new RecordingLocalizer(2);
    try (SyncTestBed bed =
        new SyncTestBed(
            config,
            again,
            again,
            T0,
            preserved,
            SyncStores.builders(),
            new Properties(),
            null,
            AvSynchronizer.inferenceExecutor())) {
      assertThat(bed.storeSize(SyncStores.FRAMES)).as("the pairs stayed pending").isEqualTo(2);
      assertThat(bed.storeSize(SyncStores.READY)).isEqualTo(2);
      List<TestRecord<String, HeatmapEvent>> out = new ArrayList<>();
      tickUntil(bed, out, () -> out.size() >= 2 && bed.storeSize(SyncStores.FRAMES) == 0);
      assertThat(out)
          .extracting(r -> r.key() + "@" + (r.value().frameTsUs() - T0) / MS)
          .containsExactly("a@3000", "b@3000");
    }
  }

  @Test
  void anEngineFailureFailsTheTaskAndLeavesTheBatchPending() {
    engine.failWith(new IllegalStateException("engine lost its device"));
    try (SyncTestBed bed = bed(null)) {
      readyFrames(bed, 3 * S);
      engine.awaitEntered(1);
      engine.open();
      engine.awaitReturned(1);

      assertThatThrownBy(
              () -> {
                long deadline = deadline();
                while (System.nanoTime() < deadline) {
                  bed.advanceWallClock(TICK);
                }
              })
          .hasRootCauseMessage("engine lost its device");
      assertThat(bed.heatmaps()).isEmpty();
      assertThat(bed.storeSize(SyncStores.FRAMES)).isEqualTo(2);
      assertThat(bed.storeSize(SyncStores.READY)).isEqualTo(2);
    }
  }

  private SyncTestBed bed(Path stateDir) {
    return bed(stateDir, SyncStores.builders());
  }

  private SyncTestBed bed(Path stateDir, Set<StoreBuilder<?>> stores) {
    return bed(config, stateDir, stores);
  }

  private SyncTestBed bed(AvSyncConfig config, Path stateDir, Set<StoreBuilder<?>> stores) {
    return new SyncTestBed(
        config,
        engine,
        recording,
        T0,
        stateDir,
        stores,
        new Properties(),
        null,
        countingHandOvers(AvSynchronizer.inferenceExecutor()));
  }

  private Executor countingHandOvers(Executor inference) {
    return batch -> {
      handed.incrementAndGet();
      inference.execute(batch);
    };
  }

  /** Cameras a and b with a complete window for a frame at {@code tsUs}: a full batch of two. */
  private static void readyFrames(SyncTestBed bed, long tsUs) {
    for (String camera : List.of("a", "b")) {
      bed.audio(camera, T0, T0 + tsUs + 500 * MS, t -> 0.1);
      bed.frame(camera, T0 + tsUs);
    }
  }

  /**
   * Advances the wall clock a tick at a time (each tick applies a finished batch and may start the
   * next) until {@code done}, collecting the heatmaps.
   */
  private static void tickUntil(
      SyncTestBed bed, List<TestRecord<String, HeatmapEvent>> out, BooleanSupplier done) {
    long deadline = deadline();
    while (!done.getAsBoolean()) {
      assertThat(System.nanoTime())
          .as("progress within %d s", PROGRESS_TIMEOUT_S)
          .isLessThan(deadline);
      bed.advanceWallClock(TICK);
      out.addAll(bed.heatmaps());
      Thread.onSpinWait();
    }
  }

  private static long deadline() {
    return System.nanoTime() + TimeUnit.SECONDS.toNanos(PROGRESS_TIMEOUT_S);
  }

  /**
   * An engine that holds each batch until the test opens it; counts the batches that entered and
   * returned.
   */
  private static final class GatedEngine implements PairLocalizer {
    private final RecordingLocalizer inner;
    private final Semaphore entered = new Semaphore(0);
    private final Semaphore returned = new Semaphore(0);
    private final CountDownLatch gate = new CountDownLatch(1);
    private volatile int enteredCount;
    private volatile RuntimeException failure;

    GatedEngine(RecordingLocalizer inner) {
      this.inner = inner;
    }

    void open() {
      gate.countDown();
    }

    void failWith(RuntimeException e) {
      failure = e;
    }

    int entered() {
      return enteredCount;
    }

    void awaitEntered(int n) {
      acquire(entered, n, "batches handed to the engine");
      entered.release(n);
    }

    void awaitReturned(int n) {
      acquire(returned, n, "batches the engine returned");
      returned.release(n);
    }

    private static void acquire(Semaphore s, int n, String what) {
      try {
        assertThat(s.tryAcquire(n, PROGRESS_TIMEOUT_S, TimeUnit.SECONDS)).as(what).isTrue();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }

    @Override
    public List<HeatmapEvent> localize(List<AvPair> pairs, long batchStartUs) {
      enteredCount++;
      entered.release();
      try {
        if (!gate.await(PROGRESS_TIMEOUT_S, TimeUnit.SECONDS)) {
          // A synchronizer that waits for the engine on the stream thread never lets the test open
          // the gate: fail instead of hanging.
          throw new AssertionError("the engine was held for " + PROGRESS_TIMEOUT_S + " s");
        }
        if (failure != null) {
          throw failure;
        }
        return inner.localize(pairs, batchStartUs);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      } finally {
        returned.release();
      }
    }

    @Override
    public int maxBatch() {
      return inner.maxBatch();
    }

    @Override
    public String modelId() {
      return inner.modelId();
    }
  }
}
