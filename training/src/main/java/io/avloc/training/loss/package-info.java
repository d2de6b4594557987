/**
 * The self-supervised contrastive losses of the three training methods, as DJL {@link
 * ai.djl.training.loss.Loss}es over the {@link io.avloc.core.model.AvLocalizer} forward output
 * (docs/methods.md §3).
 *
 * <p>All three start from the cross similarity S[n,m,p] of image n at location p with audio m
 * (cosines), max-pooled over locations (multiple-instance learning) and divided by τ:
 *
 * <ul>
 *   <li>{@link io.avloc.training.loss.EzVslLoss EZ-VSL}: a symmetric InfoNCE on the max-pooled
 *       logits, image→audio plus audio→image, the other items of the batch as negatives.
 *   <li>{@link io.avloc.training.loss.MarginNceLoss MarginNCE}: the same with a negative margin
 *       added to each positive cosine before ÷τ, a less strict decision boundary against noisy
 *       audio-visual pairs. No official code is public: the margin's placement, its symmetry and
 *       the default m = −0.2 are <em>assumed</em> (docs/methods.md §3.2).
 *   <li>{@link io.avloc.training.loss.FnacLoss FNAC}: EZ-VSL plus three L1 regularisers that pull
 *       the row-softmax of the logits towards the audio-audio and image-image similarity
 *       (false-negative suppression) and the audio-audio similarity towards that of the sounding
 *       regions (true-negative enhancement), after a warm-up on the contrastive loss alone.
 * </ul>
 *
 * {@link io.avloc.training.loss.TrainingMethod} names the methods and the input regularisation that
 * goes with each.
 */
package io.avloc.training.loss;
