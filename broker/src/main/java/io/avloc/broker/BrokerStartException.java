package io.avloc.broker;

/** The broker could not start; the message says what was wrong and what to change. */
public final class BrokerStartException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public BrokerStartException(String message) {
    super(message);
  }

  public BrokerStartException(String message, Throwable cause) {
    super(message, cause);
  }
}
