package io.avloc.training.data;

import java.util.List;

/**
 * A batch ready for the network: images (N, 3, S, S) and spectrograms (N, 1, F, T), both row-major
 * float32, already augmented and normalized exactly as docs/methods.md §1 says.
 *
 * @param ids the clip ids, in batch order
 * @param images N·3·S·S values
 * @param spectrograms N·1·F·T values
 * @param imageSize S
 * @param frequencyBins F (257)
 * @param frames T (200 at 16 kHz)
 */
public record TrainingBatch(
    List<String> ids,
    float[] images,
    float[] spectrograms,
    int imageSize,
    int frequencyBins,
    int frames) {

  public TrainingBatch {
    ids = List.copyOf(ids);
    int n = ids.size();
    if (images.length != (long) n * 3 * imageSize * imageSize) {
      throw new IllegalArgumentException("images: expected " + n + "x3x" + imageSize + "^2 values");
    }
    if (spectrograms.length != (long) n * frequencyBins * frames) {
      throw new IllegalArgumentException(
          "spectrograms: expected " + n + "x1x" + frequencyBins + "x" + frames + " values");
    }
  }

  /** N. */
  public int size() {
    return ids.size();
  }
}
