package io.avloc.modelserver.ops;

import java.util.Map;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/**
 * Whether a service's Kafka clients are connected to the broker, for {@code /ready}: a Kafka
 * Streams application stays RUNNING and a consumer stays in its group while no broker answers, so
 * their state alone would report ready through a broker outage. Two of the clients' own metrics say
 * it: {@code connection-count} (open connections of a client; zero once the broker is gone) and,
 * for a consumer in a group, {@code last-heartbeat-seconds-ago} (no heartbeat goes out while the
 * group coordinator is unreachable; a client that keeps retrying its connections can show a
 * non-zero connection count through an outage, a heartbeat cannot). Reading the metrics opens no
 * connection of its own (so it needs no credentials) and is safe from any thread.
 */
public final class BrokerConnection {

  /** The Kafka client metric: open connections of one client (consumer, producer, admin). */
  static final String CONNECTION_COUNT = "connection-count";

  /** The Kafka consumer metric: seconds since the group member's last heartbeat. */
  static final String LAST_HEARTBEAT = "last-heartbeat-seconds-ago";

  /**
   * A member heartbeats every few seconds (3 s by default); this many seconds without one means the
   * coordinator has not been reachable for several intervals.
   */
  static final double HEARTBEAT_STALE_SECONDS = 30;

  private BrokerConnection() {}

  /**
   * Whether any client whose metrics are in {@code metrics} holds a broker connection, and no group
   * member among them has gone without a heartbeat for {@link #HEARTBEAT_STALE_SECONDS}.
   */
  public static boolean connected(Map<MetricName, ? extends Metric> metrics) {
    boolean connection = false;
    for (Map.Entry<MetricName, ? extends Metric> e : metrics.entrySet()) {
      String name = e.getKey().name();
      if (!(e.getValue().metricValue() instanceof Number n)) {
        continue;
      }
      double v = n.doubleValue();
      if (CONNECTION_COUNT.equals(name) && v > 0) {
        connection = true;
      } else if (LAST_HEARTBEAT.equals(name) && v > HEARTBEAT_STALE_SECONDS) {
        return false;
      }
    }
    return connection;
  }
}
