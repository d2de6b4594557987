package io.avloc.core.image;

import java.util.Objects;

/**
 * An image that could not be decoded. {@link #problem()} is stable and machine-readable; the
 * message says what was wrong with which input and what to do about it.
 */
public final class ImageDecodeException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Why decoding failed. */
  public enum Problem {
    /** The file does not exist or cannot be read. */
    UNREADABLE_FILE,
    /** The bytes are neither a JPEG nor a PNG. */
    NOT_AN_IMAGE,
    /** The data ends before the image does. */
    TRUNCATED,
    /** The data is a JPEG or PNG but its content is damaged. */
    CORRUPT,
    /** A valid image of a kind this decoder does not handle (for example a CMYK JPEG). */
    UNSUPPORTED,
    /** The header declares more pixels than {@link ImageLimits} allow; nothing was decoded. */
    TOO_LARGE
  }

  private final Problem problem;

  public ImageDecodeException(Problem problem, String message, Throwable cause) {
    super(message, cause);
    this.problem = Objects.requireNonNull(problem);
  }

  public ImageDecodeException(Problem problem, String message) {
    this(problem, message, null);
  }

  public Problem problem() {
    return problem;
  }
}
