package io.avloc.modelserver.batch;

/**
 * Why a {@link DynamicBatcher} failed a request without running it; {@link #tag()} is the {@code
 * reason} tag of the {@code avloc.batcher.rejected} counter.
 */
public enum RejectionReason {
  /** The queue was full and the policy is {@link OverloadPolicy#REJECT}. */
  FULL("full"),
  /** The request was the oldest queued one, dropped under {@link OverloadPolicy#SHED_OLDEST}. */
  SHED("shed"),
  /** The request's deadline passed while it was queued. */
  DEADLINE("deadline"),
  /** The batcher was closed (before the submit, or its close timeout ran out). */
  SHUTDOWN("shutdown");

  private final String tag;

  RejectionReason(String tag) {
    this.tag = tag;
  }

  /** The metric tag value: {@code full}, {@code shed}, {@code deadline} or {@code shutdown}. */
  public String tag() {
    return tag;
  }
}
