package io.avloc.modelserver.serve;

import io.avloc.core.media.AvlocTopics;
import io.avloc.core.pair.AvPair;
import io.avloc.modelserver.PairInference;
import io.avloc.modelserver.batch.BatcherConfig;
import io.avloc.modelserver.batch.DynamicBatcher;
import io.avloc.modelserver.ops.OpsServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * {@code POST /v1/localize} served the way {@code avloc serve} serves it, for the endpoint's tests:
 * a real model ({@link TestPairs#model()}), {@link PairInference}, the {@code serve} batcher and
 * the ops HTTP server on a free port, all on one Prometheus registry, with a fixed clock.
 */
final class LocalizeFixture implements AutoCloseable {

  final PrometheusMeterRegistry registry;
  final DynamicBatcher<AvPair, Outcome> batcher;
  final OpsServer server;

  private LocalizeFixture(
      PrometheusMeterRegistry registry, DynamicBatcher<AvPair, Outcome> batcher, OpsServer server) {
    this.registry = registry;
    this.batcher = batcher;
    this.server = server;
  }

  /**
   * @param service the registry's {@code service} tag
   * @param nowUs the wall clock every component reads, in µs since the epoch
   */
  static LocalizeFixture start(String service, ServeConfig config, long nowUs) {
    PrometheusMeterRegistry registry = OpsServer.newRegistry(service);
    PairInference inference = new PairInference(TestPairs.model(), 8, registry, () -> nowUs);
    DynamicBatcher<AvPair, Outcome> batcher =
        new DynamicBatcher<>(
            BatcherConfig.builder().name("serve").build(),
            new PairBatchRunner(inference, () -> nowUs),
            registry);
    OpsServer server = OpsServer.start(registry, "127.0.0.1", 0, () -> true);
    server.route(
        LocalizeEndpoint.PATH,
        new LocalizeEndpoint(
            batcher, config, ServeMetrics.boundTo(registry, AvlocTopics.PAIRS), () -> nowUs));
    return new LocalizeFixture(registry, batcher, server);
  }

  /** The endpoint's URL. */
  String url() {
    return server.url() + LocalizeEndpoint.PATH;
  }

  @Override
  public void close() {
    server.close();
    batcher.close();
  }
}
