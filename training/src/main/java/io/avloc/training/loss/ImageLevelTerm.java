package io.avloc.training.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A method's loss plus an image-level contrastive term on the mean visual feature (an avloc
 * addition, off by default; docs/methods.md §3.4):
 *
 * <pre>
 * ḡ[n]   = L2(mean_p V[n,:,p])                   (B,D): image n's average feature
 * G[n,m] = ḡ[n] · A[m] / τ                       (B,B)
 * L      = L_method + w · (CE(G, I) + CE(Gᵀ, I))
 * </pre>
 *
 * <p>Why: with a frozen visual trunk the max-pooled (MIL) term sends the audio network gradient
 * only through each image's best-matching position. Early in training that position is the same
 * kind of background cell in every picture (the projection's bias dominates cells whose centred
 * features are small), so the gradient's image-independent part cancels and the audio network
 * learns nothing: the loss settles at its chance value (docs/results.md). The mean over positions
 * carries every object of the picture, so this term gives the audio network a gradient towards what
 * the picture shows from the first step; the max-pooled term still decides where the map peaks, and
 * inference is unchanged (the exported graph does not contain this term).
 *
 * <p>Terms: the method's own, {@value #TERM} (unweighted), and {@value AvContrastiveLoss#TOTAL}.
 */
public final class ImageLevelTerm extends AvContrastiveLoss {

  /** Key of the unweighted image-level term in {@link #terms}. */
  public static final String TERM = "image_level";

  private final AvContrastiveLoss method;
  private final float weight;

  /**
   * @param method the method's loss (its τ is used for the term too)
   * @param weight w &gt; 0, finite
   */
  public ImageLevelTerm(AvContrastiveLoss method, float weight) {
    super(method.getName() + "+ImageLevel", method.tau());
    if (!(weight > 0) || !Float.isFinite(weight)) {
      throw new IllegalArgumentException(
          "the image-level term's weight must be finite and > 0, got " + weight);
    }
    this.method = method;
    this.weight = weight;
  }

  /** {@code method} itself when {@code weight} is 0, else the method with the term added. */
  public static AvContrastiveLoss around(AvContrastiveLoss method, float weight) {
    return weight == 0f ? method : new ImageLevelTerm(method, weight);
  }

  /** The weight w. */
  public float weight() {
    return weight;
  }

  @Override
  public Map<String, NDArray> terms(NDList predictions) {
    Embeddings e = Embeddings.of(predictions);
    NDArray mean = e.visual().reshape(e.batch(), -1, e.positions()).mean(new int[] {2});
    NDArray unit = mean.div(mean.square().sum(new int[] {1}, true).sqrt().add(1e-12f));
    NDArray logits = unit.matMul(e.audio().transpose()).div(tau());
    NDArray term = symmetricCrossEntropy(logits, e.identity());
    Map<String, NDArray> terms = new LinkedHashMap<>(method.terms(predictions));
    NDArray total = terms.remove(TOTAL).add(term.mul(weight));
    terms.put(TERM, term);
    terms.put(TOTAL, total);
    return terms;
  }

  @Override
  public void setEpoch(int epoch) {
    method.setEpoch(epoch);
  }
}
