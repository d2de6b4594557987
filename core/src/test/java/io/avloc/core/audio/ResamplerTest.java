package io.avloc.core.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ResamplerTest {

  private static final int OUT = 16_000;

  @Test
  void equalRatesGiveAnExactCopy() {
    float[] x = Signals.noise(0.3, 5000, 1);
    float[] y = Resampler.of(OUT, OUT).resample(x);
    assertThat(y).containsExactly(x).isNotSameAs(x);
  }

  @ParameterizedTest
  @CsvSource({
    "44100, 44100",
    "44100, 1",
    "44100, 2",
    "44100, 12345",
    "48000, 100",
    "48000, 5",
    "8000, 7",
    "22050, 3",
    "11025, 1000",
    "32000, 3",
    "32000, 5",
    "96000, 95999",
    "44101, 777"
  })
  void outputLengthIsTheInputLengthTimesTheRateRatioRounded(int in, int n) {
    float[] y = Resampler.of(in, OUT).resample(new float[n]);
    assertThat(y).hasSize((int) Math.round((double) n * OUT / in));
  }

  @ParameterizedTest
  @ValueSource(ints = {8000, 11025, 22050, 32000, 44100, 48000, 96000, 44101})
  void aToneWellBelowTheNewNyquistKeepsItsFrequencyAndAmplitude(int in) {
    double f = 1000;
    double amplitude = 0.5;
    double phase = 0.7;
    float[] y = Resampler.of(in, OUT).resample(Signals.tone(f, amplitude, phase, in, in));

    // The ideal output is the same tone sampled at 16 kHz; compare away from the ends, where the
    // kernel reaches past the signal (zeros) and the output must differ.
    float[] ideal = Signals.tone(f, amplitude, phase, OUT, y.length);
    int edge = OUT / 20;
    for (int k = edge; k < y.length - edge; k++) {
      assertThat((double) y[k]).as("sample %d", k).isCloseTo(ideal[k], within(1e-5));
    }
    assertThat(Signals.amplitudeAt(y, edge, y.length - edge, f, OUT))
        .isCloseTo(amplitude, within(1e-5));
  }

  @Test
  void aToneNearTheTopOfThePassbandLosesLessThanAThousandthOfADecibel() {
    float[] y = Resampler.of(48_000, OUT).resample(Signals.tone(6400, 0.5, 0, 48_000, 48_000));
    double gainDb = 20 * Math.log10(Signals.amplitudeAt(y, 800, 15_200, 6400, OUT) / 0.5);
    assertThat(gainDb).isBetween(-0.001, 0.001);
  }

  /**
   * A 12 kHz tone at 48 kHz would alias to 4 kHz at 16 kHz. Measured: the output's RMS is about 113
   * dB below the input's (the kernel's stopband starts just under 8 kHz).
   */
  @Test
  void aToneAboveTheNewNyquistIsAttenuatedByMoreThan100Decibels() {
    float[] x = Signals.tone(12_000, 0.5, 0.3, 48_000, 48_000);
    float[] y = Resampler.of(48_000, OUT).resample(x);
    int edge = OUT / 20;
    double attenuationDb =
        20
            * Math.log10(
                Signals.rms(x, 3 * edge, x.length - 3 * edge)
                    / Signals.rms(y, edge, y.length - edge));
    assertThat(attenuationDb).isGreaterThan(100);
  }

  /** Measured: 101.9 dB; the kernel's stopband starts just under 8 kHz. */
  @Test
  void aToneJustAboveTheNewNyquistFrom44100HzIsAttenuatedByMoreThan100Decibels() {
    float[] x = Signals.tone(8_200, 0.5, 0.3, 44_100, 44_100);
    float[] y = Resampler.of(44_100, OUT).resample(x);
    int edge = OUT / 20;
    double attenuationDb =
        20 * Math.log10((0.5 / Math.sqrt(2)) / Signals.rms(y, edge, y.length - edge));
    assertThat(attenuationDb).isGreaterThan(100);
  }

  @ParameterizedTest
  @ValueSource(ints = {8000, 22050, 44100, 48000})
  void aConstantStaysTheSameConstantAwayFromTheEnds(int in) {
    float[] x = new float[in];
    java.util.Arrays.fill(x, 0.25f);
    float[] y = Resampler.of(in, OUT).resample(x);
    for (int k = 100; k < y.length - 100; k++) {
      assertThat(y[k]).isCloseTo(0.25f, within(1e-7f));
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {8000, 44100, 48000})
  void streamingInChunksOfAnySizeGivesTheSameSamplesAsOneCall(int in) {
    float[] x = Signals.noise(0.2, 2 * in + 17, 7);
    Resampler r = Resampler.of(in, OUT);
    float[] whole = r.resample(x);

    Resampler.Stream s = r.newStream();
    Random sizes = new Random(3);
    float[] joined = new float[0];
    for (int at = 0; at < x.length; ) {
      int len = Math.min(x.length - at, sizes.nextInt(2000));
      joined = concat(joined, s.push(x, at, len));
      at += len;
    }
    joined = concat(joined, s.finish());
    assertThat(joined).containsExactly(whole);
    assertThat(s.outputCount()).isEqualTo(whole.length);
    assertThat(s.inputCount()).isEqualTo(x.length);
  }

  @Test
  void aStreamEmitsEachOutputSampleWithinThreeMillisecondsOfInput() {
    Resampler.Stream s = Resampler.of(48_000, OUT).newStream();
    float[] second = Signals.noise(0.1, 48_000, 2);
    int emitted = s.push(second).length;
    // 1 s of input has produced all but the last few output samples
    assertThat(emitted).isBetween(OUT - 48, OUT - 1);
  }

  @Test
  void weightsComputedPerSampleEqualThePrecomputedTable() {
    float[] x = Signals.noise(0.2, 9000, 5);
    float[] tabled = new Resampler(44_100, OUT, Resampler.MAX_TABLE_SIZE).resample(x);
    float[] untabled = new Resampler(44_100, OUT, 0).resample(x);
    assertThat(untabled).containsExactly(tabled);
  }

  @Test
  void aStreamCannotBeUsedAfterItFinished() {
    Resampler.Stream s = Resampler.of(48_000, OUT).newStream();
    s.push(new float[100]);
    s.finish();
    assertThatThrownBy(() -> s.push(new float[1])).isInstanceOf(IllegalStateException.class);
  }

  @ParameterizedTest
  @ValueSource(ints = {7999, 96_001, 0})
  void ratesOutside8To96KilohertzAreRejected(int in) {
    assertThatThrownBy(() -> Resampler.of(in, OUT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[8000, 96000] Hz");
  }

  @Test
  void aClipAtAnotherRateIsRejected() {
    assertThatThrownBy(
            () -> Resampler.of(48_000, OUT).resample(new AudioClip(new float[1], 44_100)))
        .hasMessageContaining("44100 Hz");
  }

  private static float[] concat(float[] a, float[] b) {
    float[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
