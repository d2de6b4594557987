package io.avloc.training.data;

/**
 * How a {@link BatchLoader} forms batches.
 *
 * @param batchSize clips per batch (the last one may be smaller unless {@code dropLast})
 * @param imageSize S: images come out S×S
 * @param augment training images (shorter side to {@code int(1.1·S)}, random S×S crop, random
 *     mirror) instead of evaluation images (resized to exactly S×S)
 * @param spectrogramMasks FNAC's frequency and time masks ({@link SpectrogramMasks})
 * @param shuffle a new order every epoch, from {@code seed} and the epoch
 * @param dropLast leave out the last, incomplete batch
 * @param seed the seed of the order and of every random crop, mirror and mask
 * @param workers background threads; 0 loads each batch in the thread that asks for it
 * @param prefetchBatches how many batches may be prepared ahead of the consumer (at least 1)
 */
public record LoaderConfig(
    int batchSize,
    int imageSize,
    boolean augment,
    boolean spectrogramMasks,
    boolean shuffle,
    boolean dropLast,
    long seed,
    int workers,
    int prefetchBatches) {

  public LoaderConfig {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
    }
    if (imageSize < 1) {
      throw new IllegalArgumentException("image size must be at least 1, got " + imageSize);
    }
    if (workers < 0) {
      throw new IllegalArgumentException("workers must be 0 or more, got " + workers);
    }
    if (prefetchBatches < 1) {
      throw new IllegalArgumentException(
          "prefetch batches must be at least 1, got " + prefetchBatches);
    }
  }

  /**
   * The reference training loader: augmented images, shuffled, incomplete last batch dropped, and
   * {@code max(2, workers)} batches prefetched.
   *
   * @param spectrogramMasks true for FNAC, false for EZ-VSL and MarginNCE
   */
  public static LoaderConfig training(
      int batchSize, int imageSize, boolean spectrogramMasks, long seed, int workers) {
    return new LoaderConfig(
        batchSize,
        imageSize,
        true,
        spectrogramMasks,
        true,
        true,
        seed,
        workers,
        Math.max(2, workers));
  }

  /** The reference test loader: plain resized images, no masks, in order, every clip. */
  public static LoaderConfig evaluation(int batchSize, int imageSize, int workers) {
    return new LoaderConfig(
        batchSize, imageSize, false, false, false, false, 0L, workers, Math.max(2, workers));
  }
}
