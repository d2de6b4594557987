package io.avloc.feed;

/** A camera feed could not be opened or read; the message names the source and the problem. */
public final class FeedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public FeedException(String message) {
    super(message);
  }

  public FeedException(String message, Throwable cause) {
    super(message, cause);
  }
}
