package io.avloc.training.data;

/**
 * A source of training clips that are composed on the fly instead of read from a dataset folder:
 * every epoch sees {@link #clipsPerEpoch()} new composites, so no clip is seen twice.
 *
 * <p>Implementations must be thread-safe (the {@link BatchLoader}'s workers call {@link #compose}
 * at once) and deterministic: the clip is a function of (the composer's seed, epoch, index) alone,
 * so a resumed run sees the same clips as an uninterrupted one and the batches do not depend on the
 * number of workers.
 */
public interface ClipComposer {

  /** Clips per epoch (at least 1). */
  int clipsPerEpoch();

  /**
   * Composes clip {@code index} of {@code epoch}.
   *
   * @param index in {@code [0, clipsPerEpoch())}
   * @throws DatasetException if the clip cannot be made (naming what failed)
   */
  ComposedClip compose(int epoch, int index);

  /** Where the clips come from, for logs and the model manifest. */
  String describe();
}
