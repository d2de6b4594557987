/**
 * {@code avloc serve}, the distributed GPU stage: {@link io.avloc.modelserver.serve.PairServer}
 * consumes the pairs the streams application writes in distributed mode, localizes them in batches
 * across partitions and produces heatmap events exactly once (one Kafka transaction per poll,
 * offsets included); it scales out as a consumer group and serves {@code POST /v1/localize} for
 * ad-hoc requests next to {@code /metrics}, {@code /health} and {@code /ready}. See {@code
 * docs/serve.md}.
 */
package io.avloc.modelserver.serve;
