package io.avloc.core.kafka;

/** No broker answered at start-up; the message names the address and the reason. */
public final class KafkaUnavailableException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  public KafkaUnavailableException(String message) {
    super(message);
  }

  public KafkaUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
