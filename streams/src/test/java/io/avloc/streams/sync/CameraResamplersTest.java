package io.avloc.streams.sync;

import static io.avloc.streams.sync.SyncTestBed.MS;
import static io.avloc.streams.sync.SyncTestBed.S;
import static io.avloc.streams.sync.SyncTestBed.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.avloc.core.audio.Resampler;
import io.avloc.core.audio.TimedSamples;
import io.avloc.core.media.AudioChunk;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CameraResamplersTest {

  private final CameraResamplers resamplers = new CameraResamplers();

  private static AudioChunk chunk(long tsUs, int rate, long durationUs, double hz) {
    return AudioChunk.fromMono(
        tsUs,
        rate,
        SyncTestBed.samples(
            tsUs, durationUs, rate, t -> 0.5 * Math.sin(2 * Math.PI * hz * t / 1e6)));
  }

  private static float[] concat(List<TimedSamples> pieces) {
    int n = pieces.stream().mapToInt(TimedSamples::length).sum();
    float[] out = new float[n];
    int at = 0;
    for (TimedSamples p : pieces) {
      System.arraycopy(p.data(), 0, out, at, p.length());
      at += p.length();
    }
    return out;
  }

  @Test
  void contiguousChunksConvertExactlyLikeTheWholeSignalOnOneTimeline() {
    List<AudioChunk> chunks = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      chunks.add(chunk(T0 + i * 100 * MS, 48_000, 100 * MS, 440));
    }
    List<TimedSamples> pieces = new ArrayList<>();
    for (AudioChunk c : chunks) {
      pieces.addAll(resamplers.toStoredRate("cam", c));
    }
    // A chunk after a gap ends the stream: its held-back tail comes first.
    List<TimedSamples> afterGap =
        resamplers.toStoredRate("cam", chunk(T0 + 2 * S, 48_000, 100 * MS, 440));
    pieces.addAll(afterGap.subList(0, afterGap.size() - 1));

    float[] whole = new float[48_000];
    for (int i = 0; i < 10; i++) {
      System.arraycopy(chunks.get(i).monoSamples(), 0, whole, i * 4_800, 4_800);
    }
    assertThat(concat(pieces)).containsExactly(Resampler.of(48_000, 16_000).resample(whole));
    long k = 0;
    for (TimedSamples p : pieces) {
      assertThat(p.firstSampleUs()).isEqualTo(T0 + Math.floorDiv(k * 1_000_000 + 8_000, 16_000));
      k += p.length();
    }
    assertThat(afterGap.get(afterGap.size() - 1).firstSampleUs()).isEqualTo(T0 + 2 * S);
  }

  @Test
  void olderChunkIsConvertedOnItsOwnAndTheStreamGoesOn() {
    List<TimedSamples> stream = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      stream.addAll(
          resamplers.toStoredRate("cam", chunk(T0 + i * 100 * MS, 48_000, 100 * MS, 300)));
    }
    List<TimedSamples> old = resamplers.toStoredRate("cam", chunk(T0, 48_000, 100 * MS, 300));
    assertThat(old)
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.firstSampleUs()).isEqualTo(T0);
              assertThat(p.length()).isEqualTo(1_600);
            });

    long produced = stream.stream().mapToLong(TimedSamples::length).sum();
    List<TimedSamples> next =
        resamplers.toStoredRate("cam", chunk(T0 + 300 * MS, 48_000, 100 * MS, 300));
    assertThat(next.get(0).firstSampleUs())
        .isEqualTo(T0 + Math.floorDiv(produced * 1_000_000 + 8_000, 16_000));
  }

  @Test
  void sixteenKilohertzAudioIsStoredAsItIs() {
    AudioChunk c = chunk(T0 + 123, 16_000, 100 * MS, 1_000);
    assertThat(resamplers.toStoredRate("cam", c))
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.firstSampleUs()).isEqualTo(T0 + 123);
              assertThat(p.data()).containsExactly(c.monoSamples());
            });
    assertThat(resamplers.size()).isZero();
  }

  @Test
  void rateChangeFlushesTheOldStreamUpToWhereItEnded() {
    List<TimedSamples> pieces = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      pieces.addAll(
          resamplers.toStoredRate("cam", chunk(T0 + i * 100 * MS, 48_000, 100 * MS, 200)));
    }
    List<TimedSamples> change =
        resamplers.toStoredRate("cam", chunk(T0 + S, 44_100, 100 * MS, 200));
    TimedSamples tail = change.get(0);
    pieces.add(tail);
    assertThat(pieces.stream().mapToInt(TimedSamples::length).sum()).isEqualTo(16_000);
    assertThat(tail.endUs()).isCloseTo(T0 + S, org.assertj.core.api.Assertions.within(1L));
    assertThat(change.get(1).firstSampleUs()).isEqualTo(T0 + S);
  }

  @Test
  void forgettingACameraStartsItsNextChunkAFreshStream() {
    resamplers.toStoredRate("cam", chunk(T0, 48_000, 100 * MS, 200));
    resamplers.forget("cam");
    List<TimedSamples> next =
        resamplers.toStoredRate("cam", chunk(T0 + 100 * MS, 48_000, 100 * MS, 200));
    assertThat(next.get(0).firstSampleUs())
        .as("no tail of the forgotten stream")
        .isEqualTo(T0 + 100 * MS);
  }
}
