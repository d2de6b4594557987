package io.avloc.training.synth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import io.avloc.training.synth.AssetLibrary.Recording;
import io.avloc.training.synth.SoundMixer.Mix;
import io.avloc.training.synth.SoundMixer.Voice;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SoundMixerTest {

  private static Recording recording(String label, AssetKind kind, float[] samples) {
    return new Recording(
        new CatalogEntry(label, kind, Split.TRAIN, label + ".wav", "pkg", "GPL-2+", "-"), samples);
  }

  private static int zeroCrossings(float[] x) {
    int n = 0;
    for (int i = 1; i < x.length; i++) {
      if ((x[i - 1] < 0) != (x[i] < 0)) {
        n++;
      }
    }
    return n;
  }

  @Test
  void stretchingPlaysFasterAndHigher() {
    float[] tone = FakeAssets.tone(16000, 1.0, 500);
    float[] fast = SoundMixer.stretch(tone, 1.1);

    assertThat(fast).hasSize(Math.round(16000 / 1.1f));
    // the same number of cycles in less time: the pitch rises by the same factor
    assertThat(zeroCrossings(fast)).isCloseTo(zeroCrossings(tone), offset(2));
  }

  @Test
  void aNoiseBedLoopsWithoutAClick() {
    // 0.37 s of a 440 Hz tone: a plain wrap-around would jump in phase
    float[] tone = FakeAssets.tone(16000, 0.37, 440);
    float[] bed = SoundMixer.loopSeamlessly(tone, 1000);

    assertThat(bed).hasSize(SoundMixer.LENGTH);
    double maxStep = 0.6 * 2 * Math.PI * 440 / 16000; // largest step of the tone itself
    for (int i = 1; i < bed.length; i++) {
      assertThat(Math.abs(bed[i] - bed[i - 1]))
          .as("step at " + i)
          .isLessThan((float) (1.6 * maxStep));
    }
  }

  @Test
  void aMixHasItsSnrInRangeAndItsStatedPeak() {
    Recording voice = recording("dog", AssetKind.SOUND, FakeAssets.tone(16000, 0.8, 700));
    Recording bed = recording("hiss", AssetKind.NOISE, FakeAssets.tone(16000, 2.0, 3000));
    for (long seed = 0; seed < 20; seed++) {
      Mix m =
          SoundMixer.mix(
              List.of(new Voice(voice, seed % 2 == 0, "on_screen")),
              bed,
              new SplittableRandom(seed));
      float max = 0;
      for (float v : m.samples()) {
        max = Math.max(max, Math.abs(v));
      }
      assertThat(m.samples()).hasSize(48_000);
      assertThat(m.snrDb()).isBetween(5.0, 20.0);
      assertThat((double) max).isCloseTo(m.peak(), offset(1e-5));
      assertThat(m.peak()).isBetween(0.5, 0.95);
      assertThat(m.sources())
          .extracting(SoundMixer.Used::role)
          .containsExactly("on_screen", "noise");
      double speed = m.sources().get(0).speed();
      assertThat(speed)
          .isBetween(seed % 2 == 0 ? 0.95 * 0.88 : 0.95, seed % 2 == 0 ? 1.05 * 1.12 : 1.05);
    }
  }

  @Test
  void noiseAloneIsQuieterAndHasNoSnr() {
    Recording bed = recording("hiss", AssetKind.NOISE, FakeAssets.tone(16000, 2.0, 3000));
    Mix m = SoundMixer.mix(List.of(), bed, new SplittableRandom(4));

    assertThat(m.snrDb()).isNaN();
    assertThat(m.peak()).isBetween(0.1, 0.4);
    assertThat(m.sources()).hasSize(1);
  }

  @Test
  void wavIs16BitMonoPcmRoundedAndClipped() {
    byte[] wav = SoundMixer.wav(new float[] {0f, 0.5f, 1.5f, -2f}, 16000);
    ByteBuffer b = ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN);

    assertThat(wav).hasSize(44 + 8);
    assertThat(new String(wav, 0, 4, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("RIFF");
    assertThat(b.getInt(4)).isEqualTo(36 + 8);
    assertThat(b.getShort(22)).isEqualTo((short) 1);
    assertThat(b.getInt(24)).isEqualTo(16000);
    assertThat(b.getInt(40)).isEqualTo(8);
    assertThat(new short[] {b.getShort(44), b.getShort(46), b.getShort(48), b.getShort(50)})
        .containsExactly(0, 16384, 32767, -32767);
  }
}
