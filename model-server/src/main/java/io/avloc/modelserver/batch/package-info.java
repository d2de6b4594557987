/**
 * Dynamic batching in front of an inference engine: {@link
 * io.avloc.modelserver.batch.DynamicBatcher} gathers single requests into batches of at most {@code
 * maxBatchSize}, waiting at most {@code maxQueueDelay} for a batch to fill, with a bounded queue,
 * an overload policy, per-request deadlines, draining shutdown and Micrometer meters.
 */
package io.avloc.modelserver.batch;
