package io.avloc.training.synth;

import java.util.Locale;

/** The two halves of the benchmark; they share no media file (see {@link Catalog}). */
public enum Split {
  TRAIN,
  TEST;

  /** The name used in catalogs, ids and on the command line: {@code train} or {@code test}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses {@code train} or {@code test} (any case).
   *
   * @throws IllegalArgumentException naming the accepted values
   */
  public static Split of(String text) {
    for (Split s : values()) {
      if (s.label().equalsIgnoreCase(text == null ? "" : text.strip())) {
        return s;
      }
    }
    throw new IllegalArgumentException("split must be train or test, got '" + text + "'");
  }
}
