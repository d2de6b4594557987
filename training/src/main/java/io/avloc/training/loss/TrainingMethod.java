package io.avloc.training.loss;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The three training methods: the loss, and FNAC's extra regularisation of the inputs. */
public enum TrainingMethod {
  /** EZ-VSL (docs/methods.md §3.1). */
  EZVSL("ezvsl"),
  /** MarginNCE, EZ-VSL with a margin on the positive (docs/methods.md §3.2; form assumed). */
  MARGINNCE("marginnce"),
  /** FNAC (docs/methods.md §3.3). */
  FNAC("fnac");

  private final String id;

  TrainingMethod(String id) {
    this.id = id;
  }

  /** The lower-case id used on the command line and in manifests. */
  public String id() {
    return id;
  }

  /**
   * The method with this id, case-insensitive.
   *
   * @throws IllegalArgumentException for anything else, listing the valid ids
   */
  public static TrainingMethod parse(String s) {
    if (s != null) {
      String wanted = s.trim().toLowerCase(Locale.ROOT);
      for (TrainingMethod m : values()) {
        if (m.id.equals(wanted)) {
          return m;
        }
      }
    }
    throw new IllegalArgumentException(
        "unknown training method '"
            + s
            + "'; valid methods: "
            + Arrays.stream(values()).map(TrainingMethod::id).collect(Collectors.joining(", ")));
  }

  /**
   * Whether the visual feature map gets dropout p = 0.9 in training (docs/methods.md §2): FNAC
   * only.
   */
  public boolean visualDropout() {
    return this == FNAC;
  }

  /**
   * Whether training spectrograms get frequency and time masks (docs/methods.md §1.2): FNAC only.
   */
  public boolean spectrogramMasks() {
    return this == FNAC;
  }

  @Override
  public String toString() {
    return id;
  }
}
