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
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

/**
 * REALTIME under overload: a simulated engine slower than the cameras' arrival rate. Cameras send
 * 25 fps and 100 ms audio chunks on a simulated wall clock, which the engine advances by its
 * inference time, so records pile up while a batch runs exactly as they do on a busy machine.
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

  private final AvSyncConfig config = AvSyncConfig.defaults().withMaxBatch(2);

  @Test
  void
      everyCameraKeepsGettingHeatmapsOfItsNewestFramesTheShedCountsAddUpAndIngestKeepsHalfTheThread() {
    RecordingLocalizer recording = new RecordingLocalizer(2);
    PairLocalizer slow =
        new PairLocalizer() {
          @Override
          public List<HeatmapEvent> localize(List<AvPair> pairs, long batchStartUs) {
            for (AvPair p : pairs) {
              newestCompleteAtBatch.put(p, newestComplete(p.camera()));
            }
            clock.addAndGet(BATCH_US); // inference takes time on the synchronizer's clock
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
    try (SyncTestBed bed = new SyncTestBed(config, slow, recording, START, clock::get)) {
      for (int c = 0; c < CAMERAS; c++) {
        sendAudio(bed, "cam" + c, T0, START);
      }
      Map<String, Long> nextFrame = new HashMap<>();
      while (clock.get() < START + RUN_US) {
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

      // The engine runs on the stream thread: after each batch the thread goes to ingest for at
      // least as long as the batch took, so the cameras' records keep coming in under overload.
      for (int i = 1; i < recording.batchStarts.size(); i++) {
        assertThat(recording.batchStarts.get(i) - recording.batchStarts.get(i - 1))
            .as("start of batch %d after the previous one (%d µs each)", i, BATCH_US)
            .isGreaterThanOrEqualTo(2 * BATCH_US);
      }

      // Every heatmap is of the camera's newest complete frame, or of a frame still within its
      // deadline (which, at 200 ms a batch, is 150 ms + 2 × 200 ms after its window end).
      long budget = config.staleBudgetUs() + AvSynchronizer.DEADLINE_BATCHES * BATCH_US;
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
