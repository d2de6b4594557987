package io.avloc.training.synth;

/**
 * The kinds of clip, with their shares (DATA.md §4.4, after SLAVC's extended test sets). Shares are
 * exact in every run of {@value #BLOCK} consecutive clips that starts at a multiple of {@value
 * #BLOCK}: each such block holds the slots below in a random order.
 */
public enum ClipType {
  /** One object on screen is heard: one box. */
  SINGLE("single", 12),
  /**
   * What is heard is not in the picture: a source that is never drawn (2 times in 3, when the split
   * has one) or a class absent from the picture. No box.
   */
  OFFSCREEN("offscreen", 3),
  /**
   * What is heard is a class absent from the picture, preferably of the same super-category as an
   * object that is there (a violin heard, a guitar seen). No box.
   */
  MISMATCHED("mismatched", 2),
  /** Two objects on screen are heard at once: two boxes. */
  TWO_SOURCES("two_sources", 2),
  /** Only the noise bed is heard; the objects are silent. No box. */
  NOISE_ONLY("noise_only", 1);

  /** Clips per block of the schedule. */
  public static final int BLOCK = 20;

  private final String label;
  private final int slots;

  ClipType(String label, int slots) {
    this.label = label;
    this.slots = slots;
  }

  /** The name in manifests and summaries. */
  public String label() {
    return label;
  }

  /** The share of clips of this type. */
  public double share() {
    return (double) slots / BLOCK;
  }

  int slots() {
    return slots;
  }
}
