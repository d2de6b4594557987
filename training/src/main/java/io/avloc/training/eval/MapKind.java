package io.avloc.training.eval;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Which map is scored (docs/methods.md §5, {@code test.py} scores all three with separate
 * evaluators).
 */
public enum MapKind {
  /** The audio-visual map alone: the own-pair similarity map, upsampled and min-max normalized. */
  AV("av"),
  /** The object map of the frozen ImageNet ResNet-18 alone; it ignores the audio. */
  OBJ("obj"),
  /** EZ-VSL's object-guided localization: {@code minmax(α·av + (1−α)·obj)}. */
  AV_OBJ("av+obj"),
  /**
   * A baseline that sees neither picture nor sound: the centre prior ({@link CentrePrior}), the
   * same map for every clip.
   */
  CENTRE("centre");

  private final String label;

  MapKind(String label) {
    this.label = label;
  }

  /** The name used on the command line and in reports: {@code av}, {@code obj}, {@code av+obj}. */
  public String label() {
    return label;
  }

  /** Whether the map needs the frozen ImageNet ResNet-18. */
  public boolean needsObjectMap() {
    return this == OBJ || this == AV_OBJ;
  }

  /** The kind with this label, ignoring case. */
  public static MapKind of(String label) {
    String wanted = label == null ? "" : label.trim().toLowerCase(Locale.ROOT);
    for (MapKind k : values()) {
      if (k.label.equals(wanted)) {
        return k;
      }
    }
    throw new IllegalArgumentException(
        "unknown map '"
            + label
            + "'; known: "
            + Arrays.stream(values()).map(MapKind::label).collect(Collectors.joining(", ")));
  }

  @Override
  public String toString() {
    return label;
  }
}
