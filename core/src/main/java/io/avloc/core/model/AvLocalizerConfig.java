package io.avloc.core.model;

import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Objects;

/**
 * Every size of an {@link AvLocalizer}. The named presets live in {@link Preset}; a trainer may
 * derive variants, e.g. FNAC's {@code withVisualDropout(0.9f)}.
 *
 * @param name preset name recorded in model manifests
 * @param imageSize side of the square RGB input; a multiple of 32 so the visual map is exactly
 *     {@code imageSize / 32} on a side
 * @param visualWidths channels of the visual trunk's four stages (torchvision ResNet-18: 64, 128,
 *     256, 512); the stem has the first width
 * @param audioWidths channels of the audio trunk's four stages
 * @param embeddingDim D, the channels of the visual map and of the audio embedding
 * @param tau contrastive temperature. Carried for the trainer and the manifest only: the network
 *     outputs plain cosine similarities, never divided by τ
 * @param visualDropout element-wise dropout probability on the visual trunk's feature map, applied
 *     in training only (0 for EZ-VSL and MarginNCE, 0.9 for FNAC)
 * @param frequencyBins rows of the log spectrogram (257 for a 512-point STFT)
 * @param frames columns of the log spectrogram the model is built and exported for (200 for 3 s at
 *     16 kHz). The audio trunk ends in a global max pool, so other frame counts also run
 */
public record AvLocalizerConfig(
    String name,
    int imageSize,
    List<Integer> visualWidths,
    List<Integer> audioWidths,
    int embeddingDim,
    float tau,
    float visualDropout,
    int frequencyBins,
    int frames) {

  /** Total stride of a ResNet-18 trunk: stem conv 2 × max pool 2 × three strided stages. */
  public static final int TRUNK_STRIDE = 32;

  public AvLocalizerConfig {
    Objects.requireNonNull(name, "name");
    visualWidths = List.copyOf(visualWidths);
    audioWidths = List.copyOf(audioWidths);
    if (imageSize <= 0 || imageSize % TRUNK_STRIDE != 0) {
      throw new IllegalArgumentException(
          "imageSize must be a positive multiple of " + TRUNK_STRIDE + ": " + imageSize);
    }
    checkWidths("visualWidths", visualWidths);
    checkWidths("audioWidths", audioWidths);
    if (embeddingDim <= 0) {
      throw new IllegalArgumentException("embeddingDim must be positive: " + embeddingDim);
    }
    if (!(tau > 0)) {
      throw new IllegalArgumentException("tau must be positive: " + tau);
    }
    if (!(visualDropout >= 0 && visualDropout < 1)) {
      throw new IllegalArgumentException("visualDropout must be in [0, 1): " + visualDropout);
    }
    if (frequencyBins <= 0 || frames <= 0) {
      throw new IllegalArgumentException(
          "frequencyBins and frames must be positive: " + frequencyBins + ", " + frames);
    }
  }

  private static void checkWidths(String what, List<Integer> widths) {
    if (widths.size() != 4 || widths.stream().anyMatch(w -> w == null || w <= 0)) {
      throw new IllegalArgumentException(what + " must be four positive stage widths: " + widths);
    }
  }

  /** Side h = w of the visual map and of the similarity map: {@code imageSize / 32}. */
  public int mapSize() {
    return imageSize / TRUNK_STRIDE;
  }

  /** This configuration with another visual dropout probability (FNAC uses 0.9). */
  public AvLocalizerConfig withVisualDropout(float p) {
    return new AvLocalizerConfig(
        name, imageSize, visualWidths, audioWidths, embeddingDim, tau, p, frequencyBins, frames);
  }

  /**
   * This configuration with another contrastive temperature ({@code avloc train --temperature}).
   */
  public AvLocalizerConfig withTau(float t) {
    return new AvLocalizerConfig(
        name,
        imageSize,
        visualWidths,
        audioWidths,
        embeddingDim,
        t,
        visualDropout,
        frequencyBins,
        frames);
  }

  /** The same sizes for input pictures of side {@code size} (a multiple of 32). */
  public AvLocalizerConfig withImageSize(int size) {
    return new AvLocalizerConfig(
        name,
        size,
        visualWidths,
        audioWidths,
        embeddingDim,
        tau,
        visualDropout,
        frequencyBins,
        frames);
  }

  /** Image input shape (N, 3, H, W). */
  public Shape imageShape(long batch) {
    return new Shape(batch, 3, imageSize, imageSize);
  }

  /** Spectrogram input shape (N, 1, F, T). */
  public Shape spectrogramShape(long batch) {
    return new Shape(batch, 1, frequencyBins, frames);
  }

  /** Both input shapes in forward order, e.g. for {@code Block.initialize}. */
  public Shape[] inputShapes(long batch) {
    return new Shape[] {imageShape(batch), spectrogramShape(batch)};
  }
}
