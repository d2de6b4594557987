package io.avloc.training.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import io.avloc.core.model.AvLocalizer;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * FNAC: EZ-VSL's loss plus false-negative suppression and true-negative enhancement
 * (docs/methods.md §3.3, as in the reference code's {@code FNAC.calculate_loss}).
 *
 * <pre>
 * Z    = max_p S / τ                                (B,B) EZ-VSL logits; L_cl = CE(Z,I) + CE(Zᵀ,I)
 * G_a  = A Aᵀ / τ                                   audio-audio adjacency
 * vbar = mean_hw V  (not re-normalised);  G_v = vbar vbarᵀ / τ
 * Mloc = S[i,i] / τ;  Mn = (Mloc − min_hw) / (max_hw − min_hw + 1e−5)   per sample
 * K    = (Mn &gt; 0.6)                                 hard foreground mask, no gradient
 * f    = Σ_hw (V·K) / (h·w)  (h·w, not the mask area);  G_f = f fᵀ / τ
 * FNS-a = mean_ij |softmax_row(G_a) − softmax_row(Z)|
 * TNE   = mean_ij |softmax_row(G_a) − softmax_row(G_f)|
 * FNS-v = mean_ij |softmax_row(G_v) − softmax_row(Z)|
 * L = L_cl                                           while epoch &lt; warm-up
 * L = L_cl + w1·FNS-a + w2·TNE + w3·FNS-v            afterwards (no ramp)
 * </pre>
 *
 * Apart from K there is no stop-gradient: gradients reach both sides of every L1 term, as in the
 * reference code. Only the image→audio orientation of Z is regularised.
 *
 * <p>Terms, in order: {@value #CONTRASTIVE}, {@value #FNS_AUDIO}, {@value #TNE}, {@value
 * #FNS_VISUAL}, {@value AvContrastiveLoss#TOTAL}. The three regularisers are computed (and can be
 * logged) during warm-up too; only the total leaves them out.
 */
public final class FnacLoss extends AvContrastiveLoss {

  /** Weight of each regulariser in the reference scripts (and code defaults). */
  public static final float DEFAULT_WEIGHT = 100f;

  /** Warm-up epochs in the reference scripts (the code default is 3). */
  public static final int DEFAULT_WARMUP = 5;

  /** Term key: L_cl, the EZ-VSL loss. */
  public static final String CONTRASTIVE = "contrastive";

  /** Term key: FNS-a, audio adjacency as soft target for the logits ("FNS-1" in the code). */
  public static final String FNS_AUDIO = "fns_a";

  /** Term key: TNE, audio adjacency vs sounding-region adjacency ("TNS" in the code). */
  public static final String TNE = "tne";

  /** Term key: FNS-v, image adjacency as soft target for the logits ("FNS-2" in the code). */
  public static final String FNS_VISUAL = "fns_v";

  /** Min-max-normalised own-pair similarity above this is foreground. */
  static final double MASK_THRESHOLD = 0.6;

  /** Keeps the min-max normalisation finite on a constant map. */
  static final double MIN_MAX_EPSILON = 1e-5;

  private final float fnsAudioWeight;
  private final float tneWeight;
  private final float fnsVisualWeight;
  private final int warmupEpochs;
  private volatile int epoch;

  /**
   * @param tau temperature τ (0.03)
   * @param fnsAudioWeight w1, weight of FNS-a ({@value #DEFAULT_WEIGHT})
   * @param tneWeight w2, weight of TNE ({@value #DEFAULT_WEIGHT})
   * @param fnsVisualWeight w3, weight of FNS-v ({@value #DEFAULT_WEIGHT})
   * @param warmupEpochs epochs trained on L_cl alone ({@value #DEFAULT_WARMUP}); 0 for none
   */
  public FnacLoss(
      float tau, float fnsAudioWeight, float tneWeight, float fnsVisualWeight, int warmupEpochs) {
    super("FnacLoss", tau);
    this.fnsAudioWeight = requireWeight("fnsAudioWeight", fnsAudioWeight);
    this.tneWeight = requireWeight("tneWeight", tneWeight);
    this.fnsVisualWeight = requireWeight("fnsVisualWeight", fnsVisualWeight);
    if (warmupEpochs < 0) {
      throw new IllegalArgumentException(
          "warmupEpochs must be >= 0 (default " + DEFAULT_WARMUP + "), got " + warmupEpochs);
    }
    this.warmupEpochs = warmupEpochs;
  }

  private static float requireWeight(String name, float weight) {
    if (!(weight >= 0) || !Float.isFinite(weight)) {
      throw new IllegalArgumentException(
          name + " must be a finite weight >= 0 (default " + DEFAULT_WEIGHT + "), got " + weight);
    }
    return weight;
  }

  /** Epochs trained on L_cl alone. */
  public int warmupEpochs() {
    return warmupEpochs;
  }

  @Override
  public void setEpoch(int epoch) {
    this.epoch = requireEpoch(epoch);
  }

  @Override
  public Map<String, NDArray> terms(NDList predictions) {
    Embeddings e = Embeddings.of(predictions);
    float tau = tau();
    NDArray audio = e.audio();
    NDArray visual = e.visual();

    NDArray logits = e.maxPooledCosine().div(tau);
    NDArray contrastive = symmetricCrossEntropy(logits, e.identity());

    NDArray audioAdjacency = adjacency(audio, tau).softmax(1);
    NDArray logitRows = logits.softmax(1);
    // DJL's PyTorch mean reduces one axis only: sum over (h, w), then divide.
    NDArray meanVisual = visual.sum(new int[] {2, 3}).div(e.positions());
    NDArray mask = foregroundMask(visual, audio, tau).expandDims(1);
    NDArray foreground = visual.mul(mask).sum(new int[] {2, 3}).div(e.positions());

    NDArray fnsAudio = meanAbsoluteDifference(audioAdjacency, logitRows);
    NDArray tne = meanAbsoluteDifference(audioAdjacency, adjacency(foreground, tau).softmax(1));
    NDArray fnsVisual = meanAbsoluteDifference(adjacency(meanVisual, tau).softmax(1), logitRows);

    NDArray total =
        epoch < warmupEpochs
            ? contrastive
            : contrastive
                .add(fnsAudio.mul(fnsAudioWeight))
                .add(tne.mul(tneWeight))
                .add(fnsVisual.mul(fnsVisualWeight));

    Map<String, NDArray> terms = new LinkedHashMap<>();
    terms.put(CONTRASTIVE, contrastive);
    terms.put(FNS_AUDIO, fnsAudio);
    terms.put(TNE, tne);
    terms.put(FNS_VISUAL, fnsVisual);
    terms.put(TOTAL, total);
    return Collections.unmodifiableMap(terms);
  }

  /**
   * K = (Mn &gt; 0.6) in the embeddings' type, (B,h,w): the foreground of each image's own-pair
   * map, min-max normalised per sample. Computed on detached inputs, so no gradient flows through
   * it (a constant map gives Mn ≡ 0 and an empty mask).
   */
  static NDArray foregroundMask(NDArray visual, NDArray audio, float tau) {
    NDArray own =
        AvLocalizer.ownPairSimilarity(visual.stopGradient(), audio.stopGradient()).div(tau);
    long[] dims = own.getShape().getShape();
    NDArray flat = own.reshape(dims[0], dims[1] * dims[2]);
    NDArray min = flat.min(new int[] {1}, true);
    NDArray max = flat.max(new int[] {1}, true);
    NDArray normalised = flat.sub(min).div(max.sub(min).add(MIN_MAX_EPSILON));
    return normalised.gt(MASK_THRESHOLD).toType(visual.getDataType(), false).reshape(dims);
  }

  /** X Xᵀ / τ. */
  private static NDArray adjacency(NDArray embeddings, float tau) {
    return embeddings.matMul(embeddings.transpose()).div(tau);
  }

  /** mean_ij |P − Q| over all B² entries (F.l1_loss, 'mean'). */
  private static NDArray meanAbsoluteDifference(NDArray p, NDArray q) {
    return p.sub(q).abs().mean();
  }
}
