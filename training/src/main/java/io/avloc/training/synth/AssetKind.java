package io.avloc.training.synth;

import java.util.Locale;

/** What a catalogued media file is used for. */
public enum AssetKind {
  /** A cut-out with transparency (PNG or GIF) of an object of a class that can be seen. */
  IMAGE,
  /** A recording of an object of a class that can be seen. */
  SOUND,
  /** A photo (JPEG) that scenes are composed on. */
  BACKGROUND,
  /** A recording of a source that is never drawn (siren, vacuum cleaner, ...). */
  OFFSCREEN,
  /** A recording of ambience mixed under every clip (crickets, crowd, fire, ...). */
  NOISE;

  /** The name used in catalogs and manifests. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether files of this kind are pictures (else recordings). */
  public boolean isPicture() {
    return this == IMAGE || this == BACKGROUND;
  }

  static AssetKind of(String text) {
    for (AssetKind k : values()) {
      if (k.label().equals(text)) {
        return k;
      }
    }
    throw new IllegalArgumentException(
        "kind must be image, sound, background, offscreen or noise, got '" + text + "'");
  }
}
