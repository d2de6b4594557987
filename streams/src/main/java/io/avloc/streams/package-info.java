/**
 * The Kafka Streams application: ingest and validation with dead letters, the per-camera
 * audio/frame synchronizer ({@code sync}), micro-batched inference inside the topology, heatmap
 * events, camera feeds ({@code feed}) and the heatmap viewer ({@code watch}).
 */
package io.avloc.streams;
