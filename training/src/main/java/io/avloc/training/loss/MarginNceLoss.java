package io.avloc.training.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import java.util.Map;

/**
 * MarginNCE: EZ-VSL's loss with a margin on the positive pair (docs/methods.md §3.2).
 *
 * <pre>
 * s[n,m] = max_p S[n,m,p]                       (B,B) MIL-pooled cosine
 * Z      = (s − m·I) / τ                        margin on the diagonal only, before ÷τ
 * L      = CE(Z, I) + CE(Zᵀ, I)                 each a batch mean, the two summed
 * </pre>
 *
 * A negative m (the default, {@value #DEFAULT_MARGIN}) adds |m|/τ to every positive logit, which
 * makes the positive easier to win: the "less strict decision boundary" of the paper. m = 0 is
 * exactly {@link EzVslLoss}.
 *
 * <p><b>Assumed form.</b> No official MarginNCE code is public and the paper body was not read: the
 * additive (CosFace-style) margin subtracted from the positive cosine before dividing by τ, its use
 * in both CE directions and the default m = −0.2 are all unverified assumptions (docs/methods.md
 * §3.2, §8.1). Keep m configurable and check it against arXiv 2211.01966 before quoting results as
 * MarginNCE's.
 *
 * <p>Terms: {@value AvContrastiveLoss#TOTAL} only.
 */
public final class MarginNceLoss extends AvContrastiveLoss {

  /** The commonly quoted margin; unverified (docs/methods.md §3.2). */
  public static final float DEFAULT_MARGIN = -0.2f;

  private final float margin;

  /**
   * @param tau temperature τ (0.03 assumed, as in EZ-VSL)
   * @param margin m, a cosine offset subtracted from each positive (negative by default)
   */
  public MarginNceLoss(float tau, float margin) {
    super("MarginNceLoss", tau);
    if (!Float.isFinite(margin)) {
      throw new IllegalArgumentException(
          "margin must be a finite cosine offset (default " + DEFAULT_MARGIN + "), got " + margin);
    }
    this.margin = margin;
  }

  /** The margin m. */
  public float margin() {
    return margin;
  }

  @Override
  public Map<String, NDArray> terms(NDList predictions) {
    Embeddings e = Embeddings.of(predictions);
    NDArray identity = e.identity();
    NDArray logits = e.maxPooledCosine().sub(identity.mul(margin)).div(tau());
    return Map.of(TOTAL, symmetricCrossEntropy(logits, identity));
  }
}
