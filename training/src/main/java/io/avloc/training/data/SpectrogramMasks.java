package io.avloc.training.data;

import java.util.Arrays;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * FNAC's training-time spectrogram augmentation (docs/methods.md §1.2): one "frequency mask" and
 * then one "time mask", each zeroing a band of up to 9 rows or columns of the (1, F, T) log
 * spectrogram.
 *
 * <p><b>The reference's bug is reproduced on purpose.</b> Its {@code FrequencyMask} draws the start
 * from the <i>time</i> length ({@code start ~ U{0..T−1}}) but zeroes frequency rows {@code [start,
 * start + w)}; its {@code TimeMask} draws the start from the <i>frequency</i> length ({@code start
 * ~ U{0..F−1}}, F = 257) but zeroes time columns {@code [start, start + w)}. Widths are {@code w ~
 * U{0..9}} ({@code randrange(0, max_width)} with {@code max_width = 10}); a band running past the
 * end is cut there, and a start past the end masks nothing. So at 16 kHz (T = 200) the frequency
 * mask never reaches rows above 208, and about a fifth of the time masks are empty.
 *
 * <p>The masked value is 0 in the log domain, written before the reference divides by 12; 0 ÷ 12 is
 * 0, so zeroing the already divided spectrogram gives the same tensor.
 *
 * <p><b>Deviation:</b> the reference draws from Python's unseeded global {@code random}, so its
 * masks are not reproducible; here they come from the generator passed in (the loader derives it
 * from the seed, the epoch and the clip's position), in the reference's order: frequency start,
 * frequency width, time start, time width.
 */
public final class SpectrogramMasks {

  /** The reference's {@code max_width}: widths are drawn from 0 to {@code MAX_WIDTH − 1}. */
  public static final int MAX_WIDTH = 10;

  private SpectrogramMasks() {}

  /** The two bands of one draw, as the reference computes them (before cutting at the ends). */
  public record Masks(int frequencyStart, int frequencyWidth, int timeStart, int timeWidth) {}

  /**
   * Draws the two masks for a spectrogram of {@code bins} × {@code frames}, with the reference's
   * ranges (bug included, see the class comment).
   */
  public static Masks draw(int bins, int frames, RandomGenerator random) {
    checkShape(bins, frames);
    int frequencyStart = random.nextInt(frames);
    int frequencyWidth = random.nextInt(MAX_WIDTH);
    int timeStart = random.nextInt(bins);
    int timeWidth = random.nextInt(MAX_WIDTH);
    return new Masks(frequencyStart, frequencyWidth, timeStart, timeWidth);
  }

  /**
   * Zeroes the rows and columns of {@code masks} in the {@code bins} × {@code frames} spectrogram
   * stored row-major (frequency slower) in {@code data} from {@code offset}.
   */
  public static void apply(Masks masks, float[] data, int offset, int bins, int frames) {
    Objects.requireNonNull(masks, "masks");
    checkShape(bins, frames);
    Objects.checkFromIndexSize(offset, bins * frames, data.length);
    int rowEnd = Math.min(bins, masks.frequencyStart() + masks.frequencyWidth());
    for (int f = masks.frequencyStart(); f < rowEnd; f++) {
      int row = offset + f * frames;
      Arrays.fill(data, row, row + frames, 0f);
    }
    int columnEnd = Math.min(frames, masks.timeStart() + masks.timeWidth());
    for (int f = 0; f < bins; f++) {
      int row = offset + f * frames;
      for (int t = masks.timeStart(); t < columnEnd; t++) {
        data[row + t] = 0f;
      }
    }
  }

  /** Draws masks and applies them; returns what was drawn. */
  public static Masks apply(
      float[] data, int offset, int bins, int frames, RandomGenerator random) {
    Masks masks = draw(bins, frames, random);
    apply(masks, data, offset, bins, frames);
    return masks;
  }

  private static void checkShape(int bins, int frames) {
    if (bins < 1 || frames < 1) {
      throw new IllegalArgumentException(
          "a spectrogram needs at least 1x1 values, got " + bins + "x" + frames);
    }
  }
}
