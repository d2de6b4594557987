package io.avloc.training.synth;

/**
 * The benchmark's media are missing, incomplete or unreadable. The message names the file and what
 * to run to fix it.
 */
public final class AssetException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  AssetException(String message) {
    super(message);
  }

  AssetException(String message, Throwable cause) {
    super(message, cause);
  }
}
