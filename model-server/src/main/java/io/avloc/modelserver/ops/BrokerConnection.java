package io.avloc.modelserver.ops;

import java.util.Map;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/**
 * Whether a service's Kafka clients are connected to the broker, for {@code /ready}: a Kafka
 * Streams application stays RUNNING and a consumer stays in its group while no broker answers, so
 * their state alone would report ready through a broker outage. The clients' own {@code
 * connection-count} metric says whether they hold any broker connection now; it drops to zero when
 * the broker goes away and comes back when they reconnect. Reading the metrics opens no connection
 * of its own (so it needs no credentials) and is safe from any thread.
 */
public final class BrokerConnection {

  /** The Kafka client metric: open connections of one client (consumer, producer, admin). */
  static final String CONNECTION_COUNT = "connection-count";

  private BrokerConnection() {}

  /** Whether any client whose metrics are in {@code metrics} holds a broker connection. */
  public static boolean connected(Map<MetricName, ? extends Metric> metrics) {
    for (Map.Entry<MetricName, ? extends Metric> e : metrics.entrySet()) {
      MetricName name = e.getKey();
      if (CONNECTION_COUNT.equals(name.name())
          && e.getValue().metricValue() instanceof Number n
          && n.doubleValue() > 0) {
        return true;
      }
    }
    return false;
  }
}
