package io.avloc.modelserver.batch;

/**
 * A request failed by the {@link DynamicBatcher} itself, never sent to the batch function: the
 * queue was full, the request was shed, its deadline passed, or the batcher shut down. It carries
 * no stack trace (rejections are an expected, possibly frequent, outcome under overload).
 */
public final class RejectedException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final RejectionReason reason;

  public RejectedException(RejectionReason reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  /** Why the request was not run. */
  public RejectionReason reason() {
    return reason;
  }
}
