package io.avloc.training.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.loss.Loss;
import io.avloc.core.model.AvLocalizer;
import java.util.Map;

/**
 * Base of the three self-supervised contrastive losses (docs/methods.md §3).
 *
 * <p>{@code predictions} is the {@link AvLocalizer} forward output {@code (simmap, audio_emb A
 * (B,D), visual_map V (B,D,h,w))}; the losses read A and V (both L2-normalised by the network) and
 * form the cross similarity S (B,B,h,w) with {@link AvLocalizer#crossSimilarity}: row n is the
 * image, column m the audio. Labels are ignored (the positives are the diagonal), so an empty
 * {@link NDList} will do. Every value is a scalar in the data type of V and A.
 */
public abstract class AvContrastiveLoss extends Loss {

  /** Key of the total in {@link #terms}: the value {@link #evaluate} returns. */
  public static final String TOTAL = "loss";

  private final float tau;

  /**
   * @param name the evaluator name the trainer logs under
   * @param tau temperature τ (0.03 in all three methods), finite and &gt; 0
   */
  protected AvContrastiveLoss(String name, float tau) {
    super(name);
    if (!(tau > 0) || !Float.isFinite(tau)) {
      throw new IllegalArgumentException(
          "tau must be a finite temperature > 0 (the methods use 0.03), got " + tau);
    }
    this.tau = tau;
  }

  /** The temperature τ. */
  public float tau() {
    return tau;
  }

  /**
   * Every term of the loss for logging, in a stable order; key {@value #TOTAL} is the total (the
   * value {@link #evaluate} returns). Scalars.
   *
   * @param predictions the {@link AvLocalizer} forward output
   */
  public abstract Map<String, NDArray> terms(NDList predictions);

  /** The total of {@link #terms}; {@code labels} are ignored (may be an empty list). */
  @Override
  public NDArray evaluate(NDList labels, NDList predictions) {
    return terms(predictions).get(TOTAL);
  }

  /** The 0-based epoch about to be trained (FNAC's warm-up uses it); a no-op here. */
  public void setEpoch(int epoch) {
    requireEpoch(epoch);
  }

  static int requireEpoch(int epoch) {
    if (epoch < 0) {
      throw new IllegalArgumentException("epoch must be >= 0 (0-based), got " + epoch);
    }
    return epoch;
  }

  /** A (B,D) and V (B,D,h,w) out of the forward output, with their sizes, checked. */
  record Embeddings(NDArray audio, NDArray visual, int batch, int height, int width) {

    static Embeddings of(NDList predictions) {
      int needed = AvLocalizer.OUTPUT_NAMES.size();
      if (predictions == null || predictions.size() < needed) {
        throw new IllegalArgumentException(
            "predictions must be the AvLocalizer forward output "
                + AvLocalizer.OUTPUT_NAMES
                + ", got "
                + (predictions == null ? "null" : predictions.size() + " arrays"));
      }
      NDArray audio = predictions.get(AvLocalizer.AUDIO_EMB);
      NDArray visual = predictions.get(AvLocalizer.VISUAL_MAP);
      Shape a = audio.getShape();
      Shape v = visual.getShape();
      if (a.dimension() != 2) {
        throw new IllegalArgumentException("audio_emb must be (B, D), got " + a);
      }
      if (v.dimension() != 4) {
        throw new IllegalArgumentException("visual_map must be (B, D, h, w), got " + v);
      }
      if (a.get(0) != v.get(0) || a.get(1) != v.get(1)) {
        throw new IllegalArgumentException(
            "audio_emb " + a + " and visual_map " + v + " disagree on batch size B or dimension D");
      }
      if (a.get(0) < 2) {
        throw new IllegalArgumentException(
            "contrastive losses need a batch of at least 2 (the other items are the negatives),"
                + " got B = "
                + a.get(0));
      }
      if (v.get(2) < 1 || v.get(3) < 1 || a.get(1) < 1) {
        throw new IllegalArgumentException("visual_map " + v + " has an empty dimension");
      }
      DataType type = audio.getDataType();
      if (!type.isFloating() || type != visual.getDataType()) {
        throw new IllegalArgumentException(
            "audio_emb and visual_map must share one floating-point type, got "
                + type
                + " and "
                + visual.getDataType());
      }
      return new Embeddings(audio, visual, (int) a.get(0), (int) v.get(2), (int) v.get(3));
    }

    int positions() {
      return height * width;
    }

    /** s[n,m] = max_p S[n,m,p], the MIL-pooled cosine of image n with audio m, (B,B). */
    NDArray maxPooledCosine() {
      return AvLocalizer.crossSimilarity(visual, audio)
          .reshape(batch, batch, positions())
          .max(new int[] {2});
    }

    /** The B×B identity in the embeddings' type and device. */
    NDArray identity() {
      return audio
          .getManager()
          .eye(batch, batch, 0, audio.getDataType())
          .toDevice(audio.getDevice(), false);
    }
  }

  /**
   * CE(Z, I) + CE(Zᵀ, I): both directions of the InfoNCE with the diagonal as positives, each a
   * batch mean, summed (not averaged), with a max-subtracted log-softmax.
   */
  static NDArray symmetricCrossEntropy(NDArray logits, NDArray identity) {
    NDArray imageToAudio = logits.logSoftmax(1).mul(identity).sum(new int[] {1}).mean();
    NDArray audioToImage = logits.logSoftmax(0).mul(identity).sum(new int[] {0}).mean();
    return imageToAudio.add(audioToImage).neg();
  }
}
