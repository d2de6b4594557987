package io.avloc.streams.sync;

import static io.avloc.streams.sync.SyncTestBed.MS;
import static io.avloc.streams.sync.SyncTestBed.S;
import static io.avloc.streams.sync.SyncTestBed.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

class AudioChunkStoreTest {

  private final KeyValueStore<Bytes, byte[]> kv;
  private final AudioChunkStore audio;

  AudioChunkStoreTest() {
    kv = SyncStores.audio(Stores.inMemoryKeyValueStore("audio")).withLoggingDisabled().build();
    kv.init(new MockProcessorContext<>().getStateStoreContext(), kv);
    audio = new AudioChunkStore(kv);
  }

  private static float[] constant(int n, float v) {
    float[] out = new float[n];
    Arrays.fill(out, v);
    return out;
  }

  /** The 1 s window [T0, T0 + 1 s) of a frame at T0 + 0.5 s with 0.5 s lookahead. */
  private AudioChunkStore.Window window(long maxChunkUs) {
    return audio.window("cam", T0 + 500 * MS, S, 500 * MS, maxChunkUs);
  }

  @Test
  void jitterOfAFewMicrosecondsBetweenChunksIsNotAGapNorADrift() {
    for (int i = 0; i < 10; i++) {
      // each chunk starts 70 µs (just over one sample) after the previous one ends
      audio.put("cam", T0 + i * (100 * MS + 70), constant(1_600, (i + 1) / 20f));
    }
    AudioChunkStore.Window w = window(100 * MS);
    assertThat(w.samples()).hasSize(16_000);
    assertThat(w.coveredSamples()).isEqualTo(16_000);
    assertThat(w.partial()).isFalse();
    // chunk 9 sits at its own time, 9 × 100.07 ms = sample 14 410, not pulled back to 14 400
    assertThat((double) w.samples()[14_409]).isCloseTo(0.45, within(1e-4));
    assertThat((double) w.samples()[14_410]).isCloseTo(0.5, within(1e-4));
  }

  @Test
  void aHoleOfThreeSamplesIsAGap() {
    audio.put("cam", T0, constant(8_000, 0.25f));
    audio.put("cam", T0 + 500 * MS + 188, constant(8_000, 0.25f)); // starts at sample 8 003
    AudioChunkStore.Window w = window(S);
    assertThat(w.coveredSamples()).isEqualTo(16_000 - 3);
    assertThat(Arrays.copyOfRange(w.samples(), 8_000, 8_003)).containsOnly(0f);
  }

  @Test
  void missingAudioIsZeroAndMakesTheWindowPartial() {
    audio.put("cam", T0, constant(8_000, 0.25f)); // [0, 0.5 s)
    audio.put("cam", T0 + 600 * MS, constant(6_400, 0.5f)); // [0.6 s, 1 s)
    AudioChunkStore.Window w = window(500 * MS);
    assertThat(w.coveredSamples()).isEqualTo(14_400);
    assertThat(w.partial()).isTrue();
    assertThat((double) w.samples()[7_999]).isCloseTo(0.25, within(1e-4));
    assertThat(Arrays.copyOfRange(w.samples(), 8_000, 9_600)).containsOnly(0f);
    assertThat((double) w.samples()[9_600]).isCloseTo(0.5, within(1e-4));
    assertThat(w.startUs()).isEqualTo(T0);
    assertThat(w.endUs()).isEqualTo(T0 + S);
  }

  @Test
  void laterChunkOverwritesAnOverlapAndCoverageCountsTheUnion() {
    audio.put("cam", T0, constant(1_600, 0.25f)); // [0, 100 ms)
    audio.put("cam", T0 + 50 * MS, constant(1_600, 0.5f)); // [50, 150 ms)
    AudioChunkStore.Window w = window(100 * MS);
    assertThat(w.coveredSamples()).isEqualTo(2_400);
    assertThat((double) w.samples()[799]).isCloseTo(0.25, within(1e-4));
    assertThat((double) w.samples()[800]).isCloseTo(0.5, within(1e-4));
  }

  @Test
  void sameStartTimeReplacesTheChunk() {
    audio.put("cam", T0, constant(16_000, 0.25f));
    audio.put("cam", T0, constant(16_000, -0.5f));
    assertThat((double) window(S).samples()[123]).isCloseTo(-0.5, within(1e-4));
  }

  @Test
  void aChunkStartingBeforeTheWindowIsFoundThroughTheLongestChunk() {
    audio.put("cam", T0 - 500 * MS, constant(16_000, 0.25f)); // [-0.5 s, 0.5 s)
    assertThat(window(S).coveredSamples()).isEqualTo(8_000);
  }

  @Test
  void evictionDeletesChunksEndingAtOrBeforeTheFloorOnlyForThatCamera() {
    audio.put("cam", T0, constant(1_600, 0.1f)); // ends at 100 ms
    audio.put("cam", T0 + 100 * MS, constant(1_600, 0.1f)); // ends at 200 ms
    audio.put("other", T0, constant(1_600, 0.1f));

    audio.evict("cam", T0 + 150 * MS);

    assertThat(kv.get(CameraTimeKey.of("cam", T0))).isNull();
    assertThat(kv.get(CameraTimeKey.of("cam", T0 + 100 * MS))).isNotNull();
    assertThat(kv.get(CameraTimeKey.of("other", T0))).isNotNull();

    audio.evict("cam", T0 + 200 * MS);
    assertThat(kv.get(CameraTimeKey.of("cam", T0 + 100 * MS))).isNull();

    audio.deleteCamera("other");
    assertThat(kv.approximateNumEntries()).isZero();
  }
}
