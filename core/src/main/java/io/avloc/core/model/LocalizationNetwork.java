package io.avloc.core.model;

import ai.djl.nn.Block;

/**
 * A trainable audio-visual localisation network as the trainer and its validation see it: a DJL
 * block whose forward takes {@code (image (N,3,S,S), spectrogram (N,1,F,T))}, images normalised as
 * {@link io.avloc.core.image.ImageNormalizer#IMAGENET}, and returns {@link
 * AvLocalizer#OUTPUT_NAMES} {@code (simmap, audio_emb, visual_map)}. {@link AvLocalizer} is one; a
 * frozen detector in front of a {@link DetectorHeadLocalizer} is another.
 */
public interface LocalizationNetwork extends Block {

  /** Sizes: S = {@code imageSize()}, the spectrogram shape, D and τ. */
  AvLocalizerConfig config();
}
