/**
 * The audio-visual synchronizer: the Processor-API stage that pairs each camera's frames with the
 * audio around them and runs the localizer on micro-batches ({@link
 * io.avloc.streams.sync.AvSynchronizer}), its settings ({@link
 * io.avloc.streams.sync.AvSyncConfig}), its state stores ({@link io.avloc.streams.sync.SyncStores})
 * and meters ({@link io.avloc.streams.sync.SyncMetrics}).
 *
 * <p>Units: camera times are µs of each camera's own {@code ts-us} clock and are never compared
 * across cameras; wall-clock times are µs since the epoch; durations in {@link
 * io.avloc.streams.sync.AvSyncConfig} are {@link java.time.Duration}s.
 */
package io.avloc.streams.sync;
