package io.avloc.modelserver;

import io.avloc.core.artifact.PreprocessingContract;
import io.avloc.core.audio.Spectrogram;
import io.avloc.core.image.ImageDecodeException;
import io.avloc.core.pair.AvPair;
import java.util.List;
import java.util.Objects;

/**
 * The network inputs of one batch of pairs: each frame decoded (once, size-checked, subsampled
 * towards the model's input) and resized into its slot of the image batch, each audio window's
 * spectrogram into its slot of the spectrogram batch, through the model's {@link
 * PreprocessingContract}.
 *
 * <p>The pairs are split over the calling thread and up to {@code parallelism − 1} helper threads
 * of a shared pool. Preprocessing is pure CPU work per pair (a JPEG decode and a spectrogram cost
 * about as much as the lite network's engine run per pair), and the thread that calls {@link
 * #prepare} (a Kafka Streams thread, or a model server's batch thread) would otherwise do it alone
 * while the other cores idle. Each pair writes only its own slots, so the batch order is the pairs'
 * order whatever thread did the work.
 *
 * <p>A pair whose frame does not decode fails the batch with a {@link PairInputException} naming
 * the lowest such index, after every pair was attempted, exactly as the sequential loop did: the
 * caller sets that pair aside and runs the others again.
 *
 * <p>Thread-safe.
 */
public final class BatchPreprocessor {

  /** One thread per core: the caller and the shared helpers. */
  public static int defaultParallelism() {
    return Runtime.getRuntime().availableProcessors();
  }

  private final PreprocessingContract contract;
  private final int parallelism;

  /**
   * @param parallelism how many threads work on one batch, the caller included; 1 = the caller
   *     alone
   */
  public BatchPreprocessor(PreprocessingContract contract, int parallelism) {
    this.contract = Objects.requireNonNull(contract, "contract");
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be at least 1: " + parallelism);
    }
    this.parallelism = Math.min(parallelism, BatchWorkers.maxParallelism());
  }

  /** Threads that work on one batch, the caller included. */
  public int parallelism() {
    return parallelism;
  }

  /**
   * Fills the image and spectrogram batches of {@code pairs}.
   *
   * @param images n × {@link PreprocessingContract#imageFloats()} floats
   * @param spectrograms n × frequency bins × {@code frames} floats
   * @param frames spectrogram frames of one window; every pair's window must have this many
   * @throws PairInputException naming the lowest-index pair whose frame does not decode or whose
   *     window is of another length
   */
  public void prepare(List<AvPair> pairs, float[] images, float[] spectrograms, int frames) {
    int imageFloats = contract.imageFloats();
    int specFloats = contract.frequencyBins() * frames;
    RuntimeException[] failures =
        BatchWorkers.forEach(
            pairs.size(),
            parallelism,
            i -> {
              prepareOne(pairs.get(i), i, images, i * imageFloats, frames);
              // The spectrogram writes a whole array: one per pair, copied into its slot.
              float[] spec = new float[specFloats];
              contract.spectrogram().computeInto(pairs.get(i).audio(), spec);
              System.arraycopy(spec, 0, spectrograms, i * specFloats, specFloats);
            });
    for (RuntimeException e : failures) {
      if (e != null) {
        throw e;
      }
    }
  }

  private void prepareOne(AvPair p, int index, float[] images, int imageOffset, int frames) {
    if (Spectrogram.frameCount(p.audio().length) != frames) {
      throw new IllegalArgumentException("pairs in one batch must share the audio window length");
    }
    try {
      // The one decode of this frame: size-checked, subsampled towards the model's input.
      contract.frameInto(p.frame().data(), images, imageOffset);
    } catch (ImageDecodeException e) {
      throw new PairInputException(
          index,
          e.problem() == ImageDecodeException.Problem.TOO_LARGE
              ? "IMAGE_TOO_LARGE"
              : "UNDECODABLE_IMAGE",
          "frame of camera "
              + p.camera()
              + " at "
              + p.frameTsUs()
              + " µs does not decode: "
              + e.getMessage(),
          e);
    }
  }
}
