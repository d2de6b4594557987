/**
 * The Kafka Streams application: ingest and validation, the per-camera audio/frame synchronizer,
 * the inference stage and heatmap events, camera feeds and the heatmap watcher. Filled by the
 * streaming issue.
 */
package io.avloc.streams;
