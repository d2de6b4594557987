package io.avloc.core.pair;

import java.util.Objects;

/**
 * A record on the pairs topic that breaks the contract ({@link PairCodec}). {@link #reason()} is
 * stable and machine-readable (dead-letter header {@code error-reason}, metric tag); the message
 * says what was wrong and how to fix the producer.
 */
public final class InvalidPairException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Why a pair record was rejected. */
  public enum Reason {
    /** No key: the key must be the camera id. */
    MISSING_KEY,
    /** A required header is absent. */
    MISSING_HEADER,
    /** A header does not parse (not an integer, not true/false, unknown image format). */
    BAD_HEADER,
    /** The value does not start with the envelope's magic bytes. */
    NOT_A_PAIR,
    /** The envelope's version is not one this code reads. */
    UNSUPPORTED_VERSION,
    /** The value is shorter than its image length says. */
    TRUNCATED,
    /** The envelope holds no image bytes. */
    EMPTY_IMAGE,
    /** The image bytes are neither JPEG nor PNG. */
    UNDECODABLE_IMAGE,
    /** The {@code format} header disagrees with the image bytes. */
    FORMAT_MISMATCH,
    /** The audio is not at 16 kHz. */
    BAD_SAMPLE_RATE,
    /** The audio has an odd byte count. */
    ODD_PCM_LENGTH,
    /** Fewer audio samples than one spectrogram segment. */
    AUDIO_TOO_SHORT,
    /** The sample count disagrees with the window's start and end headers. */
    WINDOW_MISMATCH
  }

  private final Reason reason;

  public InvalidPairException(Reason reason, String message) {
    super(message);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  public Reason reason() {
    return reason;
  }
}
