package io.avloc.training.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.avloc.training.data.SpectrogramMasks.Masks;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SpectrogramMasksTest {

  /** A bins × frames spectrogram whose value at (f, t) is 1 + 10f + t, never 0. */
  private static float[] ramp(int bins, int frames) {
    float[] s = new float[bins * frames];
    for (int f = 0; f < bins; f++) {
      for (int t = 0; t < frames; t++) {
        s[f * frames + t] = 1 + 10 * f + t;
      }
    }
    return s;
  }

  /** The spectrogram as rows of 0 (masked) and 1 (kept), for reading the expectations. */
  private static String pattern(float[] s, int offset, int bins, int frames) {
    StringBuilder out = new StringBuilder();
    for (int f = 0; f < bins; f++) {
      for (int t = 0; t < frames; t++) {
        out.append(s[offset + f * frames + t] == 0 ? '0' : '1');
      }
      out.append('\n');
    }
    return out.toString();
  }

  @Test
  void zeroesTheFrequencyRowsAndTheTimeColumnsOfTheDraw() {
    float[] s = ramp(6, 5);

    // rows [1, 3), columns [2, 5)
    SpectrogramMasks.apply(new Masks(1, 2, 2, 3), s, 0, 6, 5);

    assertThat(pattern(s, 0, 6, 5))
        .isEqualTo(
            """
            11000
            00000
            00000
            11000
            11000
            11000
            """);
    assertThat(s[0 * 5 + 1]).isEqualTo(2f); // untouched values keep their value
    assertThat(s[5 * 5 + 0]).isEqualTo(51f);
  }

  @Test
  void cutsBandsAtTheEndAndIgnoresStartsPastIt() {
    float[] s = ramp(6, 5);

    // rows [4, 13) → [4, 6); columns from 5 on: past the last frame, nothing.
    SpectrogramMasks.apply(new Masks(4, 9, 5, 9), s, 0, 6, 5);

    assertThat(pattern(s, 0, 6, 5))
        .isEqualTo(
            """
            11111
            11111
            11111
            11111
            00000
            00000
            """);
  }

  @Test
  void aWidthOfZeroMasksNothing() {
    float[] s = ramp(6, 5);

    SpectrogramMasks.apply(new Masks(2, 0, 1, 0), s, 0, 6, 5);

    assertThat(s).isEqualTo(ramp(6, 5));
  }

  @Test
  void writesOnlyInsideItsSpectrogramOfABatch() {
    float[] batch = new float[3 * 4 * 3];
    Arrays.fill(batch, 7f);

    SpectrogramMasks.apply(new Masks(0, 9, 0, 9), batch, 12, 4, 3);

    assertThat(pattern(batch, 0, 4, 3)).doesNotContain("0");
    assertThat(pattern(batch, 12, 4, 3)).isEqualTo("000\n000\n000\n000\n");
    assertThat(pattern(batch, 24, 4, 3)).doesNotContain("0");
  }

  @Test
  void drawsStartsFromTheSwappedLengthsAsTheReferenceDoes() {
    SplittableRandom random = new SplittableRandom(42);
    Set<Integer> frequencyStarts = new HashSet<>();
    Set<Integer> timeStarts = new HashSet<>();
    Set<Integer> widths = new HashSet<>();

    for (int i = 0; i < 20_000; i++) {
      Masks m = SpectrogramMasks.draw(257, 200, random);
      frequencyStarts.add(m.frequencyStart());
      timeStarts.add(m.timeStart());
      widths.add(m.frequencyWidth());
      widths.add(m.timeWidth());
    }

    // FrequencyMask: randrange(0, T) with T = 200 frames; TimeMask: randrange(0, F) with F = 257.
    assertThat(frequencyStarts).hasSize(200).allMatch(v -> v >= 0 && v < 200);
    assertThat(timeStarts).hasSize(257).allMatch(v -> v >= 0 && v < 257);
    assertThat(widths).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
  }

  @Test
  void drawsInTheReferenceOrder() {
    SplittableRandom random = new SplittableRandom(7);
    SplittableRandom same = new SplittableRandom(7);

    Masks m = SpectrogramMasks.draw(257, 200, random);

    assertThat(m)
        .isEqualTo(
            new Masks(same.nextInt(200), same.nextInt(10), same.nextInt(257), same.nextInt(10)));
  }

  @Test
  void appliesWhatItDraws() {
    float[] s = ramp(257, 200);
    float[] expected = ramp(257, 200);

    Masks m = SpectrogramMasks.apply(s, 0, 257, 200, new SplittableRandom(3));
    SpectrogramMasks.apply(m, expected, 0, 257, 200);

    assertThat(s).isEqualTo(expected);
    assertThat(SpectrogramMasks.apply(ramp(257, 200), 0, 257, 200, new SplittableRandom(3)))
        .isEqualTo(m);
  }

  @Test
  void rejectsASpectrogramThatDoesNotFit() {
    assertThatThrownBy(() -> SpectrogramMasks.apply(new Masks(0, 1, 0, 1), new float[10], 0, 4, 3))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }
}
