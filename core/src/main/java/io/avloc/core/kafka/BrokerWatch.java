package io.avloc.core.kafka;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the broker answers now, for {@code /ready}: an admin client with the program's own client
 * settings asks for the cluster id every {@link KafkaClientSettings#BROKER_CHECK_INTERVAL} and
 * remembers when the last answer came. A Kafka Streams application stays RUNNING and a consumer
 * keeps its assignment through a broker outage, and their clients' connection metrics can show
 * connections that no broker serves (an IT saw streams' {@code /ready} stay 200 through a 2-minute
 * outage that way); an answered request cannot be mistaken.
 *
 * <p>One request of a few hundred bytes every two seconds; the check runs on one daemon thread.
 */
public final class BrokerWatch implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(BrokerWatch.class);

  private final Admin admin;
  private final ScheduledExecutorService timer;
  private final Duration answerWithin;
  private final Duration requestTimeout;
  private final LongSupplier nanoTime;
  private final AtomicLong lastAnswerNanos;
  private volatile boolean answeredOnce;

  private BrokerWatch(
      Admin admin, Duration interval, Duration answerWithin, LongSupplier nanoTime, String name) {
    this.admin = admin;
    this.answerWithin = answerWithin;
    // A request may take longer than one interval on a busy machine, never longer than the bound.
    this.requestTimeout = answerWithin.compareTo(interval) > 0 ? answerWithin : interval;
    this.nanoTime = nanoTime;
    this.lastAnswerNanos = new AtomicLong();
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, name);
              t.setDaemon(true);
              return t;
            });
    // The first check before returning: an application that reports itself started is ready at
    // once when the broker answers (probes and tests ask right after the start line).
    check();
    timer.scheduleWithFixedDelay(
        this::check, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Starts watching the broker of {@code adminConfig} (bootstrap servers and every client property,
   * security included) with {@link KafkaClientSettings#BROKER_ANSWER_WITHIN} and {@link
   * KafkaClientSettings#BROKER_CHECK_INTERVAL}.
   *
   * @param clientId the admin client's id (shows in the broker's request logs and metrics)
   */
  public static BrokerWatch start(Map<String, Object> adminConfig, String clientId) {
    return start(
        adminConfig,
        clientId,
        KafkaClientSettings.BROKER_CHECK_INTERVAL,
        KafkaClientSettings.BROKER_ANSWER_WITHIN);
  }

  /** As above, with the interval and the bound given (tests). */
  public static BrokerWatch start(
      Map<String, Object> adminConfig, String clientId, Duration interval, Duration answerWithin) {
    Objects.requireNonNull(adminConfig.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG));
    Map<String, Object> conf = new LinkedHashMap<>(adminConfig);
    conf.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId);
    int timeoutMs = (int) Math.max(interval.toMillis(), answerWithin.toMillis());
    conf.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMs);
    conf.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs);
    // Reconnect within a second once the broker is back, not after a growing backoff.
    conf.putIfAbsent(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
    return new BrokerWatch(
        Admin.create(conf), interval, answerWithin, System::nanoTime, clientId + "-watch");
  }

  private void check() {
    try {
      admin
          .describeCluster(new DescribeClusterOptions().timeoutMs((int) requestTimeout.toMillis()))
          .clusterId()
          .get(requestTimeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
      lastAnswerNanos.set(nanoTime.getAsLong());
      answeredOnce = true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      // Not answered: the age of the last answer grows; /ready says so once it passes the bound.
      LOG.debug("the broker did not answer the readiness check: {}", e.toString());
    }
  }

  /**
   * Whether the broker answered a check within {@link KafkaClientSettings#BROKER_ANSWER_WITHIN}.
   */
  public boolean answering() {
    return answeredOnce && nanoTime.getAsLong() - lastAnswerNanos.get() <= answerWithin.toNanos();
  }

  @Override
  public void close() {
    timer.shutdownNow();
    admin.close(Duration.ZERO);
  }
}
