package io.avloc.core.audio;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * An audio file that cannot be decoded. The message names the file, says what was wrong with it and
 * what to do about it.
 */
public final class AudioDecodeException extends IOException {
  private static final long serialVersionUID = 1L;

  private final transient Path file;

  /**
   * @param file the file that failed
   * @param problem what is wrong, as a sentence fragment ("it is an MP3 file")
   * @param remedy what the user can do, as a full sentence
   * @param cause the underlying failure, or null
   */
  AudioDecodeException(Path file, String problem, String remedy, Throwable cause) {
    super("Cannot decode audio file " + file + ": " + problem + ". " + remedy, cause);
    this.file = Objects.requireNonNull(file, "file");
  }

  AudioDecodeException(Path file, String problem, String remedy) {
    this(file, problem, remedy, null);
  }

  /** The file that could not be decoded. */
  public Path file() {
    return file;
  }
}
