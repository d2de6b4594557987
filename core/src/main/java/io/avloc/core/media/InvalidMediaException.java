package io.avloc.core.media;

import java.util.Objects;

/**
 * A record on a media topic that breaks the contract. {@link #reason()} is stable and
 * machine-readable (dead-letter header {@code error-reason}, metric tag); the message says what was
 * wrong and how to fix the producer.
 */
public final class InvalidMediaException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Why a record was rejected. */
  public enum Reason {
    MISSING_HEADER,
    BAD_TIMESTAMP,
    UNKNOWN_FORMAT,
    FORMAT_MISMATCH,
    BAD_SAMPLE_RATE,
    BAD_CHANNELS,
    ODD_PCM_LENGTH,
    MISALIGNED_PCM,
    EMPTY_PAYLOAD,
    PAYLOAD_TOO_LARGE,
    UNDECODABLE_IMAGE,
    /** Width, height or pixels over the image limits (read from the header, nothing decoded). */
    IMAGE_TOO_LARGE
  }

  private final Reason reason;

  public InvalidMediaException(Reason reason, String message) {
    super(message);
    this.reason = Objects.requireNonNull(reason);
  }

  public Reason reason() {
    return reason;
  }
}
