package io.avloc.core.artifact;

/** A model directory that is not a usable artifact; the message names the problem and the fix. */
public final class InvalidArtifactException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public InvalidArtifactException(String message) {
    super(message);
  }

  public InvalidArtifactException(String message, Throwable cause) {
    super(message, cause);
  }
}
