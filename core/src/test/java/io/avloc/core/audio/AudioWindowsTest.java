package io.avloc.core.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AudioWindowsTest {

  /** Sample i holds i * 1e-6, so every output sample tells where it came from. */
  private static float[] indexed(int n) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = i * 1e-6f;
    }
    return x;
  }

  private static int sourceIndex(float v) {
    return Math.round(v / 1e-6f);
  }

  @Nested
  class Centered {

    @ParameterizedTest(name = "{1} samples at {0} Hz start at sample {2}")
    @CsvSource({
      "16000, 80000, 16000", // 5 s: start = 2.5 s - 1.5 s = 1 s
      "16000, 80001, 16000", // the half sample is rounded down
      "11025, 40000, 3462", // (40000 - 33075) / 2 = 3462.5
      "44100, 132301, 0", // 3 s + 1 sample: (1 / 2) rounds down to 0
      "22050, 66150, 0" // exactly 3 s: the whole clip
    })
    void theThreeSecondsAroundTheMiddleAreTaken(int sr, int n, int start) {
      AudioClip window = AudioWindows.centered(new AudioClip(indexed(n), sr));
      assertThat(window.sampleRate()).isEqualTo(sr);
      assertThat(window.length()).isEqualTo(3 * sr);
      for (int j = 0; j < window.length(); j += 997) {
        assertThat(sourceIndex(window.samples()[j])).isEqualTo(start + j);
      }
      assertThat(sourceIndex(window.samples()[3 * sr - 1])).isEqualTo(start + 3 * sr - 1);
    }

    @Test
    void aShortClipIsRepeatedUntilItFillsTheWindow() {
      AudioClip window = AudioWindows.centered(new AudioClip(indexed(20_000), 16_000));
      assertThat(window.length()).isEqualTo(48_000);
      for (int j = 0; j < 48_000; j++) {
        assertThat(sourceIndex(window.samples()[j])).isEqualTo(j % 20_000);
      }
    }

    @Test
    void aSingleSampleFillsTheWholeWindow() {
      AudioClip window = AudioWindows.centered(new AudioClip(new float[] {0.5f}, 8000));
      assertThat(window.samples()).hasSize(24_000).containsOnly(0.5f);
    }

    @Test
    void samplesAreClippedToPlusMinusOne() {
      float[] x = {1.5f, -2f, 0.25f, -1f, 1f};
      AudioClip window = AudioWindows.centered(new AudioClip(x, 8000), 0.001);
      assertThat(window.samples()).containsExactly(1f, -1f, 0.25f, -1f, 1f, 1f, -1f, 0.25f);
    }

    @Test
    void theWindowLengthIsTheIntegerPartOfRateTimesSeconds() {
      // int(11025 * 0.5) = 5512
      assertThat(AudioWindows.centered(new AudioClip(new float[100], 11_025), 0.5).length())
          .isEqualTo(5512);
    }

    @Test
    void anEmptyClipHasNoWindow() {
      assertThatThrownBy(() -> AudioWindows.centered(new AudioClip(new float[0], 16_000)))
          .hasMessageContaining("empty clip");
    }
  }

  @Nested
  class Trailing {

    private static final long T0 = 1_700_000_000_000_000L;
    private static final int SR = 16_000;

    /** 4 s of indexed samples from T0. */
    private final TimedSamples fourSeconds = TimedSamples.of(T0, SR, indexed(4 * SR));

    @Test
    void aFrameWellInsideTheBufferGetsTheThreeSecondsEndingHalfASecondAfterIt() {
      TrailingWindow w = AudioWindows.trailing(fourSeconds, T0 + 3_500_000);
      assertThat(w.samples()).hasSize(48_000);
      assertThat(w.startUs()).isEqualTo(T0 + 1_000_000);
      assertThat(w.endUs()).isEqualTo(T0 + 4_000_000);
      assertThat(w.partial()).isFalse();
      assertThat(w.coveredSamples()).isEqualTo(48_000);
      assertThat(w.coveredStartUs()).isEqualTo(w.startUs());
      assertThat(w.coveredEndUs()).isEqualTo(w.endUs());
      for (int j = 0; j < 48_000; j++) {
        assertThat(sourceIndex(w.samples()[j])).isEqualTo(16_000 + j);
      }
    }

    @Test
    void audioNotYetBufferedIsZeroPaddedAtTheEnd() {
      // window [T0 + 1.4 s, T0 + 4.4 s]; the buffer ends at T0 + 4 s
      TrailingWindow w = AudioWindows.trailing(fourSeconds, T0 + 3_900_000);
      assertThat(w.partial()).isTrue();
      assertThat(w.coveredSamples()).isEqualTo(41_600);
      assertThat(w.coveredStartUs()).isEqualTo(T0 + 1_400_000);
      assertThat(w.coveredEndUs()).isEqualTo(T0 + 4_000_000);
      assertThat(sourceIndex(w.samples()[0])).isEqualTo(22_400);
      assertThat(sourceIndex(w.samples()[41_599])).isEqualTo(63_999);
      for (int j = 41_600; j < 48_000; j++) {
        assertThat(w.samples()[j]).isZero();
      }
    }

    @Test
    void audioFromBeforeTheBufferIsZeroPaddedAtTheStart() {
      // window [T0 - 1.5 s, T0 + 1.5 s]
      TrailingWindow w = AudioWindows.trailing(fourSeconds, T0 + 1_000_000);
      assertThat(w.partial()).isTrue();
      assertThat(w.coveredSamples()).isEqualTo(24_000);
      assertThat(w.coveredStartUs()).isEqualTo(T0);
      assertThat(w.coveredEndUs()).isEqualTo(T0 + 1_500_000);
      for (int j = 0; j < 24_000; j++) {
        assertThat(w.samples()[j]).isZero();
      }
      assertThat(sourceIndex(w.samples()[24_000])).isZero();
    }

    @Test
    void aFrameFarFromTheBufferGetsSilenceAndNoCoverage() {
      TrailingWindow w = AudioWindows.trailing(fourSeconds, T0 + 60_000_000);
      assertThat(w.samples()).hasSize(48_000).containsOnly(0f);
      assertThat(w.coveredSamples()).isZero();
      assertThat(w.partial()).isTrue();
      assertThat(w.coveredStartUs()).isEqualTo(w.coveredEndUs()).isEqualTo(w.startUs());
      assertThat(AudioWindows.trailing(fourSeconds, Long.MIN_VALUE / 2).coveredSamples()).isZero();
    }

    @Test
    void eachWindowSampleIsTheNearestBufferedSample() {
      // at 16 kHz a sample lasts 62.5 µs; the buffer starts 40 µs after the window,
      // so buffered sample 0 is nearest to window sample 1
      TimedSamples late = TimedSamples.of(T0 + 2_500_040, SR, indexed(4 * SR));
      TrailingWindow w = AudioWindows.trailing(late, T0 + 5_000_000);
      assertThat(w.samples()[0]).isZero();
      assertThat(sourceIndex(w.samples()[1])).isZero();
      assertThat(w.coveredStartUs()).isEqualTo(T0 + 2_500_063); // 62.5 µs, rounded
    }

    @Test
    void aRingBufferGivesTheSameWindowAsThePlainArray() {
      float[] linear = indexed(4 * SR);
      float[] ring = new float[5 * SR];
      int start = 3 * SR; // sample 0 sits at index 48000; the ring wraps after 2 s
      for (int i = 0; i < linear.length; i++) {
        ring[(start + i) % ring.length] = linear[i];
      }
      TimedSamples wrapped = new TimedSamples(T0, SR, ring, start, linear.length);
      for (long frame : new long[] {T0 + 3_500_000, T0 + 1_000_000, T0 + 3_900_000}) {
        assertThat(AudioWindows.trailing(wrapped, frame))
            .isEqualTo(AudioWindows.trailing(fourSeconds, frame));
      }
    }

    @Test
    void samplesAreClippedToPlusMinusOne() {
      float[] loud = new float[4 * SR];
      java.util.Arrays.fill(loud, 1.7f);
      TrailingWindow w = AudioWindows.trailing(TimedSamples.of(T0, SR, loud), T0 + 3_500_000);
      assertThat(w.samples()).containsOnly(1f);
    }

    @Test
    void windowAndLookaheadCanBeChosen() {
      TrailingWindow w = AudioWindows.trailing(fourSeconds, T0 + 2_000_000, 1_000_000, 0);
      assertThat(w.samples()).hasSize(16_000);
      assertThat(w.startUs()).isEqualTo(T0 + 1_000_000);
      assertThat(sourceIndex(w.samples()[0])).isEqualTo(16_000);
    }

    @Test
    void theWindowHasTheFloorOfRateTimesLengthSamples() {
      TimedSamples at44k = TimedSamples.of(T0, 44_100, new float[10]);
      assertThat(AudioWindows.trailing(at44k, T0).samples()).hasSize(132_300);
      TimedSamples at11k = TimedSamples.of(T0, 11_025, new float[10]);
      // 11025 * 0.1 = 1102.5
      assertThat(AudioWindows.trailing(at11k, T0, 100_000, 0).samples()).hasSize(1102);
    }

    @Test
    void aRingBufferDescriptionMustFitItsArray() {
      assertThatThrownBy(() -> new TimedSamples(T0, SR, new float[10], 10, 1))
          .hasMessageContaining("start 10");
      assertThatThrownBy(() -> new TimedSamples(T0, SR, new float[10], 0, 11))
          .hasMessageContaining("length 11");
    }
  }
}
