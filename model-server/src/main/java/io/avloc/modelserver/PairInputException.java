package io.avloc.modelserver;

/**
 * One pair of a batch whose input cannot go into the network, e.g. a frame whose bytes carry a JPEG
 * signature but do not decode. Names the pair so a caller can set it aside (dead-letter it) and run
 * the rest; it is a property of the input, so running it again fails again.
 */
public final class PairInputException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final int index;
  private final String reason;

  /**
   * @param index position of the bad pair in the batch
   * @param reason machine-readable reason, e.g. {@code UNDECODABLE_IMAGE}
   */
  public PairInputException(int index, String reason, String message, Throwable cause) {
    super(message, cause);
    this.index = index;
    this.reason = reason;
  }

  /** Position of the bad pair in the batch. */
  public int index() {
    return index;
  }

  /** Machine-readable reason, e.g. {@code UNDECODABLE_IMAGE}. */
  public String reason() {
    return reason;
  }
}
