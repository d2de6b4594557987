package io.avloc.modelserver.batch;

/** What a {@link DynamicBatcher} does with a new request when its queue is full. */
public enum OverloadPolicy {
  /** The new request fails at once ({@link RejectionReason#FULL}); the queue is unchanged. */
  REJECT,
  /**
   * The oldest queued request fails ({@link RejectionReason#SHED}) and the new one is queued: under
   * overload, fresh frames win over stale ones.
   */
  SHED_OLDEST
}
