package io.avloc.core.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SpectrogramTest {

  @Test
  void theWindowIsScipysPeriodicTukeyWithAlphaAQuarter() {
    double[] w = Spectrogram.window();
    assertThat(w).hasSize(512);
    // values quoted in docs/methods.md §1.1 (5 significant digits)
    assertThat(w[0]).isEqualTo(0.0);
    assertThat(w[1]).isCloseTo(6.0227e-4, within(5e-9));
    assertThat(w[2]).isCloseTo(2.40764e-3, within(5e-9));
    assertThat(w[511]).isCloseTo(6.0227e-4, within(5e-9));
    // and every coefficient against the textbook definition
    double[] reference = ReferenceSpectrogram.tukey();
    for (int n = 0; n < 512; n++) {
      assertThat(w[n]).as("w[%d]", n).isCloseTo(reference[n], within(1e-15));
    }
  }

  @Test
  void theWindowSumsTo448AndItsSquaresTo432() {
    // closed forms: 512 (1 - alpha/2) and 512 (1 - 5 alpha / 8)
    double sum = 0;
    double squares = 0;
    for (double v : Spectrogram.window()) {
      sum += v;
      squares += v * v;
    }
    assertThat(sum).isCloseTo(448, within(1e-12));
    assertThat(squares).isCloseTo(432, within(1e-12));
  }

  /**
   * A cosine of amplitude A exactly on bin k has rfft value (A/2) * sum(w) at bin k (its mean over
   * a segment is 0, so detrending does nothing). The one-sided density there is therefore 2 (A/2)²
   * sum(w)² / (fs sum(w²)) = A² 448² / (2 * 432 fs).
   */
  @ParameterizedTest
  @CsvSource({"16000, 64", "16000, 200", "44100, 64", "48000, 100"})
  void aCosineOnABinPutsTheExpectedDensityInThatBin(int fs, int bin) {
    double amplitude = 0.5;
    float[] x = new float[fs];
    for (int n = 0; n < x.length; n++) {
      x[n] = (float) (amplitude * Math.cos(2 * Math.PI * bin * n / 512.0));
    }
    double expected = amplitude * amplitude * 448 * 448 / (2.0 * 432 * fs);

    Spectrogram spectrogram = new Spectrogram(fs);
    double[] p = spectrogram.powerSpectralDensity(x);
    int frames = Spectrogram.frameCount(x.length);
    LogSpectrogram s = spectrogram.compute(x);
    for (int t = 0; t < frames; t++) {
      // float32 input: relative error of a few 1e-8
      assertThat(p[bin * frames + t])
          .as("frame %d", t)
          .isCloseTo(expected, within(1e-6 * expected));
      int peak = 0;
      for (int f = 1; f < 257; f++) {
        if (p[f * frames + t] > p[peak * frames + t]) {
          peak = f;
        }
      }
      assertThat(peak).isEqualTo(bin);
      assertThat((double) s.get(bin, t)).isCloseTo(Math.log(expected + 1e-7) / 12, within(1e-6));
    }
  }

  @Test
  void aDcOffsetDoesNotChangeTheSpectrogram() {
    float[] x =
        Signals.plus(Signals.noise(0.1, 16_000, 11), Signals.tone(440, 0.3, 0, 16_000, 16_000));
    float[] shifted = new float[x.length];
    for (int n = 0; n < x.length; n++) {
      shifted[n] = x[n] + 0.25f;
    }
    Spectrogram spectrogram = new Spectrogram(16_000);
    float[] a = spectrogram.compute(x).data();
    float[] b = spectrogram.compute(shifted).data();
    for (int i = 0; i < a.length; i++) {
      assertThat(b[i]).as("value %d", i).isCloseTo(a[i], within(1e-6f));
    }
  }

  @ParameterizedTest
  @CsvSource({"16000, 200", "22050, 276", "44100, 554", "48000, 603"})
  void threeSecondsGiveTheFrameCountsOfThePapers(int fs, int frames) {
    assertThat(Spectrogram.frameCount(3 * fs)).isEqualTo(frames);
    LogSpectrogram s = new Spectrogram(fs).compute(new float[3 * fs]);
    assertThat(s.frames()).isEqualTo(frames);
    assertThat(s.shape()).containsExactly(1, 257, frames);
    assertThat(s.data()).hasSize(257 * frames);
  }

  @ParameterizedTest
  @CsvSource({"512, 1", "749, 1", "750, 2", "511, 0"})
  void theFrameCountIsFloorOfLengthMinusOverlapOverHop(int n, int frames) {
    assertThat(Spectrogram.frameCount(n)).isEqualTo(frames);
  }

  @Test
  void digitalSilenceSitsAtTheLogFloor() {
    LogSpectrogram s = new Spectrogram(16_000).compute(new float[4000]);
    float floor = (float) (Math.log(1e-7) / 12);
    assertThat(s.data()).containsOnly(floor);
  }

  /** The tolerance is docs/methods.md §9's 1e-6 relative. */
  @ParameterizedTest
  @ValueSource(ints = {16_000, 44_100})
  void agreesWithAStraightforwardDftWithinOnePartPerMillion(int fs) {
    float[] x =
        Signals.plus(
            Signals.plus(Signals.noise(0.05, 3000, 21), Signals.tone(1234.5, 0.4, 0.2, fs, 3000)),
            Signals.tone(fs / 3.0, 0.1, 1.0, fs, 3000));
    for (int n = 0; n < x.length; n++) {
      x[n] += 0.1f; // exercise the mean removal too
    }
    double[][] reference = ReferenceSpectrogram.density(x, fs);
    Spectrogram spectrogram = new Spectrogram(fs);
    double[] p = spectrogram.powerSpectralDensity(x);
    LogSpectrogram s = spectrogram.compute(x);
    int frames = s.frames();
    assertThat(frames).isEqualTo(reference[0].length);
    for (int f = 0; f < 257; f++) {
      for (int t = 0; t < frames; t++) {
        double ref = reference[f][t];
        assertThat(p[f * frames + t]).as("P[%d][%d]", f, t).isCloseTo(ref, within(1e-6 * ref));
        assertThat((double) s.get(f, t))
            .as("S[%d][%d]", f, t)
            .isCloseTo(Math.log(ref + 1e-7) / 12, within(1e-6));
      }
    }
  }

  @Test
  void valuesAreStoredFrequencyMajor() {
    // 0.25 s of a tone on bin 32, then 0.25 s on bin 160
    int fs = 16_000;
    float[] x = new float[fs / 2];
    for (int n = 0; n < x.length; n++) {
      int bin = n < fs / 4 ? 32 : 160;
      x[n] = (float) (0.5 * Math.cos(2 * Math.PI * bin * n / 512.0));
    }
    LogSpectrogram s = new Spectrogram(fs).compute(x);
    int frames = s.frames();
    float[] d = s.data();
    int last = frames - 1;
    assertThat(d[32 * frames]).isEqualTo(s.get(32, 0)).isGreaterThan(d[160 * frames] + 0.5f);
    assertThat(d[160 * frames + last])
        .isEqualTo(s.get(160, last))
        .isGreaterThan(d[32 * frames + last] + 0.5f);
  }

  @Test
  void computeIntoWritesTheSameValuesAsCompute() {
    float[] x = Signals.noise(0.2, 48_000, 4);
    Spectrogram spectrogram = new Spectrogram(16_000);
    float[] out = new float[257 * 200];
    spectrogram.computeInto(x, out);
    assertThat(out).containsExactly(spectrogram.compute(x).data());
    assertThatThrownBy(() -> spectrogram.computeInto(x, new float[257 * 199]))
        .hasMessageContaining("need 51400");
  }

  @Test
  void inputsShorterThanOneSegmentAreRejected() {
    assertThatThrownBy(() -> new Spectrogram(16_000).compute(new float[511]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 512 samples, got 511");
  }

  @Test
  void concurrentCallersGetTheSameResultsAsASingleThread() throws Exception {
    Spectrogram shared = new Spectrogram(16_000);
    List<float[]> inputs = new ArrayList<>();
    List<float[]> expected = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      float[] x = Signals.noise(0.05 * (i + 1), 48_000, 100 + i);
      inputs.add(x);
      expected.add(shared.compute(x).data());
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int round = 0; round < 40; round++) {
        int i = round % inputs.size();
        results.add(
            pool.submit(
                () ->
                    java.util.Arrays.equals(
                        shared.compute(inputs.get(i)).data(), expected.get(i))));
      }
      for (Future<Boolean> r : results) {
        assertThat(r.get()).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
