package io.avloc.streams.sync;

import static io.avloc.streams.sync.SyncTestBed.MS;
import static io.avloc.streams.sync.SyncTestBed.S;
import static io.avloc.streams.sync.SyncTestBed.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.avloc.core.event.HeatmapEvent;
import io.avloc.core.pair.AvPair;
import io.avloc.modelserver.PairLocalizer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

/**
 * REALTIME under overload: a simulated engine slower than the cameras' arrival rate. Cameras send
 * 25 fps and 100 ms audio chunks on a simulated wall clock. With synchronous batches the engine
 * advances that clock by its inference time, so records pile up while a batch runs exactly as they
 * do on a busy machine; with asynchronous batches the engine runs a batch handed to it once the
 * clock has moved on by its inference time, while the records keep arriving.
 */
class AvSynchronizerOverloadTest {

  private static final int CAMERAS = 4;
  private static final long FRAME_US = 40 * MS; // 25 fps
  private static final long CHUNK_US = 100 * MS;
  private static final long TICK_US = 25 * MS; // the batch punctuator's interval
  private static final long BATCH_US = 200 * MS; // a batch of at most 2 pairs: 10 pairs/s
  private static final long START = T0 + 3 * S; // cameras have 3 s of audio when frames start
  private static final long RUN_US = 30 * S;

  /** What the test has sent, which the synchronizer has therefore seen. */
  private final Map<String, Long> audioEnd = new HashMap<>();

  private final Map<String, List<Long>> accepted = new HashMap<>();
  private final AtomicLong clock = new AtomicLong(START);

  /** Per heatmap: the newest frame of its camera whose window was complete when its batch began. */
  private final Map<AvPair, Long> newestCompleteAtBatch = new HashMap<>();

  private AvSyncConfig config = AvSyncConfig.defaults().withMaxBatch(2);

  /**
   * Asynchronous batches: the simulated engine's one slot. A batch handed over waits here; the
   * engine starts it at the next step of the simulation and finishes it {@link #BATCH_US} later.
   */
  private Runnable handedOver;

  private long engineStartedUs;
  private Map<String, Long> newestCompleteAtHandOver = Map.of();
  private final Executor simulatedEngine =
      task -> {
        assertThat(handedOver).as("a second batch handed over while one is in flight").isNull();
        handedOver = task;
        engineStartedUs = Long.MIN_VALUE;
        Map<String, Long> newest = new HashMap<>();
        for (int c = 0; c < CAMERAS; c++) {
          newest.put("cam" + c, newestComplete("cam" + c));
        }
        newestCompleteAtHandOver = newest;
      };

  @Test
  void
      synchronousBatchesServeEveryCameraItsNewestFramesTheShedCountsAddUpAndIngestKeepsHalfTheThread() {
    config = config.withAsyncBatches(false);
    RecordingLocalizer recording = run(false);
    // The engine runs on the stream thread: after each batch the thread goes to ingest for at
    // least as long as the batch took, so the cameras' records keep coming in under overload.
    for (int i = 1; i < recording.batchStarts.size(); i++) {
      assertThat(recording.batchStarts.get(i) - recording.batchStarts.get(i - 1))
          .as("start of batch %d after the previous one (%d µs each)", i, BATCH_US)
          .isGreaterThanOrEqualTo(2 * BATCH_US);
    }
  }

  @Test
  void asynchronousBatchesServeEveryCameraItsNewestFramesTheShedCountsAddUpAndKeepTheEngineBusy() {
    RecordingLocalizer recording = run(true);
    // The stream thread ingests while the engine runs, so the engine is not left idle for the
    // thread's rest: it serves at least 80 % of what it can in the run (the synchronous
    // synchronizer, resting after each batch, at most half).
    long capacity = RUN_US / BATCH_US * 2;
    long servedInRun =
        recording.pairs().stream().filter(p -> p.frameTsUs() < START + RUN_US).count();
    assertThat(servedInRun).isGreaterThanOrEqualTo(capacity * 8 / 10);
  }

  /** Simulates the run and checks what both kinds of batches promise; returns the engine's log. */
  private RecordingLocalizer run(boolean async) {
    RecordingLocalizer recording = new RecordingLocalizer(2);
    PairLocalizer slow =
        new PairLocalizer() {
          @Override
          public List<HeatmapEvent> localize(List<AvPair> pairs, long batchStartUs) {
            for (AvPair p : pairs) {
              newestCompleteAtBatch.put(
                  p, async ? newestCompleteAtHandOver.get(p.camera()) : newestComplete(p.camera()));
            }
            if (!async) {
              clock.addAndGet(BATCH_US); // inference takes time on the synchronizer's clock
            }
            return recording.localize(pairs, batchStartUs);
          }

          @Override
          public int maxBatch() {
            return recording.maxBatch();
          }

          @Override
          public String modelId() {
            return recording.modelId();
          }
        };
    long framesSent = 0;
    try (SyncTestBed bed =
        async
            ? new SyncTestBed(config, slow, recording, START, clock::get, simulatedEngine)
            : new SyncTestBed(config, slow, recording, START, clock::get)) {
      for (int c = 0; c < CAMERAS; c++) {
        sendAudio(bed, "cam" + c, T0, START);
      }
      Map<String, Long> nextFrame = new HashMap<>();
      while (clock.get() < START + RUN_US) {
        stepEngine();
        long now = clock.get();
        for (int c = 0; c < CAMERAS; c++) {
          String cam = "cam" + c;
          // Everything due by now, as a camera that kept sending while the engine was busy.
          sendAudio(bed, cam, audioEnd.get(cam), now - now % CHUNK_US);
          long f = nextFrame.getOrDefault(cam, START);
          for (; f <= now; f += FRAME_US) {
            if ((f - START) % (200 * MS) == 0) { // the 5 Hz cap keeps every fifth frame
              accepted.computeIfAbsent(cam, k -> new ArrayList<>()).add(f);
            }
            bed.frame(cam, f);
            framesSent++;
          }
          nextFrame.put(cam, f);
        }
        clock.addAndGet(TICK_US);
        bed.advanceWallClock(Duration.ofNanos(TICK_US * 1_000));
      }
      // The cameras stop: complete every window, then let the queue drain.
      long end = clock.get();
      for (int c = 0; c < CAMERAS; c++) {
        sendAudio(bed, "cam" + c, audioEnd.get("cam" + c), end + S);
      }
      // Until the frames store is empty (each tick after a batch's rest serves what is queued),
      // bounded so that a queue that never drains fails below instead of hanging.
      KeyValueStore<?, ?> pending = bed.driver.getKeyValueStore(SyncStores.FRAMES);
      for (int i = 0; i < 400 && holdsEntries(pending); i++) {
        stepEngine();
        clock.addAndGet(TICK_US);
        bed.advanceWallClock(Duration.ofNanos(TICK_US * 1_000));
      }

      List<AvPair> served = recording.pairs();
      Map<String, List<AvPair>> byCamera = new TreeMap<>();
      served.forEach(p -> byCamera.computeIfAbsent(p.camera(), k -> new ArrayList<>()).add(p));

      // The engine is slower than the cameras: a good part of the frames is shed...
      long acceptedCount = accepted.values().stream().mapToLong(List::size).sum();
      assertThat(bed.dropped(DropReason.STALE)).isGreaterThan(acceptedCount / 4.0);
      // ...and the shed counts add up: every frame sent is a heatmap or counted by reason, and
      // nothing is left behind.
      double dropped = 0;
      for (DropReason r : DropReason.values()) {
        dropped += bed.dropped(r);
      }
      assertThat(served.size() + dropped).isEqualTo((double) framesSent);
      assertThat(bed.dropped(DropReason.RATE_CAP)).isEqualTo(framesSent - acceptedCount);
      assertThat(bed.heatmaps()).hasSize(served.size());
      KeyValueStore<?, ?> frames = bed.driver.getKeyValueStore(SyncStores.FRAMES);
      try (KeyValueIterator<?, ?> it = frames.all()) {
        assertThat(it.hasNext()).as("frames left in the store").isFalse();
      }

      // Every camera is served, fairly, all along.
      assertThat(byCamera).hasSize(CAMERAS);
      int least = byCamera.values().stream().mapToInt(List::size).min().orElseThrow();
      int most = byCamera.values().stream().mapToInt(List::size).max().orElseThrow();
      assertThat((double) least / most)
          .as(
              "least/most served: %s; stale %s",
              byCamera.entrySet().stream()
                  .map(e -> e.getKey() + "=" + e.getValue().size())
                  .toList(),
              bed.dropped(DropReason.STALE))
          .isGreaterThanOrEqualTo(0.8);
      for (List<AvPair> pairs : byCamera.values()) {
        long previous = START;
        for (AvPair p : pairs) {
          if (p.frameTsUs() >= START + RUN_US) {
            break;
          }
          assertThat(p.frameTsUs() - previous)
              .as("gap between heatmaps of %s (no starvation)", p.camera())
              .isLessThan(2 * S);
          previous = p.frameTsUs();
        }
        assertThat(pairs).extracting(AvPair::frameTsUs).isSorted();
      }
      // Each frame is served once: a batch in flight is neither selected again nor shed.
      assertThat(served).doesNotHaveDuplicates();

      // Every heatmap is of the camera's newest complete frame, or of a frame still within its
      // deadline (which, at 200 ms a batch, is 150 ms + 2 × 200 ms after its window end; an
      // asynchronous batch's time runs until the next tick or record after the engine returns).
      long batchUs = async ? BATCH_US + TICK_US : BATCH_US;
      long budget = config.staleBudgetUs() + AvSynchronizer.DEADLINE_BATCHES * batchUs;
      int batchIndex = 0;
      for (List<AvPair> batch : recording.batches) {
        long batchStart = recording.batchStarts.get(batchIndex++);
        for (AvPair p : batch) {
          long late = batchStart - p.frameTsUs() - config.lookaheadUs();
          if (late > budget) {
            assertThat(p.frameTsUs())
                .as("%s served %d µs past its window end", p.camera(), late)
                .isEqualTo(newestCompleteAtBatch.get(p));
          }
        }
      }
      return recording;
    }
  }

  /**
   * Asynchronous batches: starts the batch handed over, or runs it once {@link #BATCH_US} has
   * passed since it started; the synchronizer applies it at its next record or tick.
   */
  private void stepEngine() {
    if (handedOver == null) {
      return;
    }
    if (engineStartedUs == Long.MIN_VALUE) {
      engineStartedUs = clock.get();
    } else if (clock.get() - engineStartedUs >= BATCH_US) {
      Runnable task = handedOver;
      handedOver = null;
      task.run();
    }
  }

  private static boolean holdsEntries(KeyValueStore<?, ?> store) {
    try (KeyValueIterator<?, ?> it = store.all()) {
      return it.hasNext();
    }
  }

  private long newestComplete(String camera) {
    long newest = Long.MIN_VALUE;
    for (long f : accepted.getOrDefault(camera, List.of())) {
      if (f + config.lookaheadUs() <= audioEnd.get(camera)) {
        newest = f;
      }
    }
    return newest;
  }

  private void sendAudio(SyncTestBed bed, String camera, long fromUs, long toUs) {
    for (long ts = fromUs; ts + CHUNK_US <= toUs; ts += CHUNK_US) {
      audioEnd.put(camera, ts + CHUNK_US); // before sending: a batch may run while it is processed
      bed.audio(camera, ts, ts + CHUNK_US, t -> 0.1);
    }
    audioEnd.putIfAbsent(camera, fromUs);
  }
}
