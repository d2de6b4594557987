package io.avloc.modelserver.batch;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a {@link DynamicBatcher}. Build with {@link #builder()}; defaults: name {@code
 * default}, capacity 256, maxBatchSize 8, maxQueueDelay 5 ms, policy {@link OverloadPolicy#REJECT},
 * 1 worker.
 *
 * @param name the {@code name} tag of the batcher's meters and part of its thread names
 * @param capacity the most requests waiting in the queue (not counting batches being run)
 * @param maxBatchSize the most requests per call of the batch function
 * @param maxQueueDelay how long a batch may wait to fill, counted from the enqueue of its first
 *     request
 * @param overloadPolicy what happens to a submit when the queue is full
 * @param workers threads calling the batch function (each runs one batch at a time)
 */
public record BatcherConfig(
    String name,
    int capacity,
    int maxBatchSize,
    Duration maxQueueDelay,
    OverloadPolicy overloadPolicy,
    int workers) {

  public static final String DEFAULT_NAME = "default";
  public static final int DEFAULT_CAPACITY = 256;
  public static final int DEFAULT_MAX_BATCH_SIZE = 8;
  public static final Duration DEFAULT_MAX_QUEUE_DELAY = Duration.ofMillis(5);
  public static final OverloadPolicy DEFAULT_POLICY = OverloadPolicy.REJECT;
  public static final int DEFAULT_WORKERS = 1;

  public BatcherConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(maxQueueDelay, "maxQueueDelay");
    Objects.requireNonNull(overloadPolicy, "overloadPolicy");
    if (name.isBlank()) {
      throw new IllegalArgumentException("name must not be blank");
    }
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
    }
    if (maxBatchSize < 1) {
      throw new IllegalArgumentException("maxBatchSize must be at least 1, got " + maxBatchSize);
    }
    if (maxQueueDelay.isNegative()) {
      throw new IllegalArgumentException(
          "maxQueueDelay must not be negative, got " + maxQueueDelay);
    }
    if (workers < 1) {
      throw new IllegalArgumentException("workers must be at least 1, got " + workers);
    }
  }

  /** The defaults. */
  public static BatcherConfig defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from this config. */
  public Builder toBuilder() {
    return new Builder()
        .name(name)
        .capacity(capacity)
        .maxBatchSize(maxBatchSize)
        .maxQueueDelay(maxQueueDelay)
        .overloadPolicy(overloadPolicy)
        .workers(workers);
  }

  /** Builder of {@link BatcherConfig}, starting from the defaults. */
  public static final class Builder {
    private String name = DEFAULT_NAME;
    private int capacity = DEFAULT_CAPACITY;
    private int maxBatchSize = DEFAULT_MAX_BATCH_SIZE;
    private Duration maxQueueDelay = DEFAULT_MAX_QUEUE_DELAY;
    private OverloadPolicy overloadPolicy = DEFAULT_POLICY;
    private int workers = DEFAULT_WORKERS;

    private Builder() {}

    public Builder name(String name) {
      this.name = name;
      return this;
    }

    public Builder capacity(int capacity) {
      this.capacity = capacity;
      return this;
    }

    public Builder maxBatchSize(int maxBatchSize) {
      this.maxBatchSize = maxBatchSize;
      return this;
    }

    public Builder maxQueueDelay(Duration maxQueueDelay) {
      this.maxQueueDelay = maxQueueDelay;
      return this;
    }

    public Builder overloadPolicy(OverloadPolicy overloadPolicy) {
      this.overloadPolicy = overloadPolicy;
      return this;
    }

    public Builder workers(int workers) {
      this.workers = workers;
      return this;
    }

    public BatcherConfig build() {
      return new BatcherConfig(
          name, capacity, maxBatchSize, maxQueueDelay, overloadPolicy, workers);
    }
  }
}
