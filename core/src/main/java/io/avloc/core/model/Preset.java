package io.avloc.core.model;

import java.util.List;
import java.util.Locale;

/** Named network sizes. Visual dropout is 0 in both; FNAC training sets it to 0.9. */
public enum Preset {
  /** The papers' network: 224×224 images, ResNet-18 widths 64/128/256/512, D = 512, τ = 0.03. */
  PAPER(
      new AvLocalizerConfig(
          "paper",
          224,
          List.of(64, 128, 256, 512),
          List.of(64, 128, 256, 512),
          512,
          0.03f,
          0f,
          257,
          200)),

  /**
   * A CPU-trainable network of the same layout: 160×160 images (5×5 maps), quarter-width ResNet-18
   * trunks (16/32/64/128 channels, visual and audio), D = 128, τ = 0.03. Sized so that a batch-64
   * training step (forward, backward, Adam) takes about a second on two CPU cores with the DJL
   * PyTorch engine ({@code io.avloc.benchmarks.TrainStepTiming}); the audio input stays the full
   * (1, 257, 200) spectrogram, whose high-resolution early layers are most of the audio cost.
   */
  LITE(
      new AvLocalizerConfig(
          "lite",
          160,
          List.of(16, 32, 64, 128),
          List.of(16, 32, 64, 128),
          128,
          0.03f,
          0f,
          257,
          200));

  private final AvLocalizerConfig config;

  Preset(AvLocalizerConfig config) {
    this.config = config;
  }

  /** The preset's sizes. */
  public AvLocalizerConfig config() {
    return config;
  }

  /** The preset of that name, ignoring case ({@code paper}, {@code lite}). */
  public static Preset of(String name) {
    try {
      return valueOf(name.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "unknown preset '" + name + "'; known: " + List.of(values()), e);
    }
  }
}
