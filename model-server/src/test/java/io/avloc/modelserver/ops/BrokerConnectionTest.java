package io.avloc.modelserver.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Measurable;
import org.apache.kafka.common.metrics.Metrics;
import org.junit.jupiter.api.Test;

class BrokerConnectionTest {

  @Test
  void connectedWhileAnyClientHoldsABrokerConnection() {
    try (Metrics metrics = new Metrics()) {
      AtomicInteger consumer = new AtomicInteger();
      AtomicInteger producer = new AtomicInteger();
      metrics.addMetric(count(metrics, "consumer-metrics", "c"), gauge(consumer));
      metrics.addMetric(count(metrics, "producer-metrics", "p"), gauge(producer));
      metrics.addMetric(
          metrics.metricName("request-rate", "consumer-metrics", "", java.util.Map.of()),
          (Measurable) (config, now) -> 5);

      assertThat(BrokerConnection.connected(metrics.metrics())).as("no connection").isFalse();
      producer.set(1);
      assertThat(BrokerConnection.connected(metrics.metrics())).isTrue();
      producer.set(0);
      consumer.set(2);
      assertThat(BrokerConnection.connected(metrics.metrics())).isTrue();
      consumer.set(0);
      assertThat(BrokerConnection.connected(metrics.metrics())).as("broker gone").isFalse();
    }
  }

  @Test
  void notConnectedWhenAGroupMemberHasNotHeartbeatForLong() {
    try (Metrics metrics = new Metrics()) {
      AtomicInteger connections = new AtomicInteger(1);
      AtomicInteger heartbeatAgo = new AtomicInteger(2);
      metrics.addMetric(count(metrics, "consumer-metrics", "c"), gauge(connections));
      metrics.addMetric(
          metrics.metricName(
              BrokerConnection.LAST_HEARTBEAT,
              "consumer-coordinator-metrics",
              "",
              java.util.Map.of("client-id", "c")),
          gauge(heartbeatAgo));

      assertThat(BrokerConnection.connected(metrics.metrics())).isTrue();
      // The client keeps retrying its connection (count > 0) but reaches no coordinator.
      heartbeatAgo.set(31);
      assertThat(BrokerConnection.connected(metrics.metrics())).isFalse();
      heartbeatAgo.set(1);
      assertThat(BrokerConnection.connected(metrics.metrics())).isTrue();
    }
  }

  private static MetricName count(Metrics metrics, String group, String client) {
    return metrics.metricName(
        BrokerConnection.CONNECTION_COUNT, group, "", java.util.Map.of("client-id", client));
  }

  private static Measurable gauge(AtomicInteger value) {
    return (config, now) -> value.get();
  }
}
