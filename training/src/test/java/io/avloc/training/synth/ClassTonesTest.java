package io.avloc.training.synth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The diagnostic class-tone sound track of {@code --data-format generate:N:class-tones}. */
class ClassTonesTest {

  private static final int RATE = 16_000;

  /** Power of {@code x} at {@code hz} (one DFT bin). */
  static double power(float[] x, double hz) {
    double re = 0;
    double im = 0;
    double w = 2 * Math.PI * hz / RATE;
    for (int t = 0; t < x.length; t++) {
      re += x[t] * Math.cos(w * t);
      im += x[t] * Math.sin(w * t);
    }
    return (re * re + im * im) / x.length;
  }

  /** The candidate frequency with the most power. */
  static double loudest(float[] x, List<Double> candidates) {
    return candidates.stream()
        .max((a, b) -> Double.compare(power(x, a), power(x, b)))
        .orElseThrow();
  }

  @Test
  void everyOnScreenClassHasItsOwnToneAndEveryOtherLabelSharesOne() {
    ClassTones tones = new ClassTones(List.of("dog", "cat", "violin"), RATE);
    assertThat(tones.frequency("cat")).isEqualTo(ClassTones.FIRST_HZ);
    assertThat(tones.frequency("dog")).isEqualTo(ClassTones.FIRST_HZ + ClassTones.SPACING_HZ);
    assertThat(tones.frequency("violin"))
        .isEqualTo(ClassTones.FIRST_HZ + 2 * ClassTones.SPACING_HZ);
    assertThat(tones.frequency("thunder")).isEqualTo(tones.frequency("traffic")).isEqualTo(1150);
  }

  @Test
  void aClipSoundsAtTheToneOfEachClassHeardWhateverTheSeed() {
    ClassTones tones = new ClassTones(List.of("dog", "cat", "violin"), RATE);
    List<Double> candidates = new ArrayList<>();
    for (String c : List.of("cat", "dog", "violin", "thunder")) {
      candidates.add(tones.frequency(c));
    }
    for (long seed = 1; seed <= 3; seed++) {
      float[] dog = tones.render(List.of("dog"), 8_000, seed);
      assertThat(loudest(dog, candidates)).isEqualTo(tones.frequency("dog"));
      assertThat(power(dog, tones.frequency("dog"))).isGreaterThan(100 * power(dog, 250));
    }
    float[] two = tones.render(List.of("cat", "violin"), 8_000, 5);
    assertThat(power(two, tones.frequency("cat"))).isGreaterThan(100 * power(two, 550));
    assertThat(power(two, tones.frequency("violin"))).isGreaterThan(100 * power(two, 550));
    float[] noise = tones.render(List.of(ClipGenerator.NOISE_CLASS), 8_000, 5);
    for (float v : noise) {
      assertThat(Math.abs(v)).isLessThanOrEqualTo((float) ClassTones.NOISE);
    }
    assertThat(tones.render(List.of("dog"), 100, 9))
        .isEqualTo(tones.render(List.of("dog"), 100, 9));
  }

  @Test
  void refusesMoreClassesThanFitBelowTheNyquistFrequency() {
    List<String> many = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      many.add("class" + i);
    }
    assertThatThrownBy(() -> new ClassTones(many, RATE)).hasMessageContaining("Nyquist");
  }
}
