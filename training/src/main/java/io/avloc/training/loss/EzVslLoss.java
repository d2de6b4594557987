package io.avloc.training.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import java.util.Map;

/**
 * EZ-VSL's multiple-instance contrastive loss (docs/methods.md §3.1).
 *
 * <pre>
 * Z[n,m] = max_p S[n,m,p] / τ                   (B,B): best location of image n for audio m
 * L      = CE(Z, I) + CE(Zᵀ, I)                 each a batch mean, the two summed
 * </pre>
 *
 * With uniform logits L = 2·ln B. Negatives are the other B − 1 items of the batch.
 *
 * <p>Terms: {@value AvContrastiveLoss#TOTAL} only.
 */
public final class EzVslLoss extends AvContrastiveLoss {

  /**
   * @param tau temperature τ (0.03 in the paper)
   */
  public EzVslLoss(float tau) {
    super("EzVslLoss", tau);
  }

  @Override
  public Map<String, NDArray> terms(NDList predictions) {
    Embeddings e = Embeddings.of(predictions);
    NDArray logits = e.maxPooledCosine().div(tau());
    return Map.of(TOTAL, symmetricCrossEntropy(logits, e.identity()));
  }
}
