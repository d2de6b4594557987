package io.avloc.training.data;

/**
 * A dataset that cannot be read or a clip that cannot be loaded. The message names the folder or
 * file, says what was wrong and, for layout problems, which layout was expected.
 */
public final class DatasetException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public DatasetException(String message) {
    super(message);
  }

  public DatasetException(String message, Throwable cause) {
    super(message, cause);
  }
}
