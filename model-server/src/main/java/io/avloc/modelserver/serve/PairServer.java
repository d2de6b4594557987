package io.avloc.modelserver.serve;

import io.avloc.core.kafka.BrokerWatch;
import io.avloc.core.kafka.KafkaClientSettings;
import io.avloc.core.media.DeadLetters;
import io.avloc.core.media.RecordLimits;
import io.avloc.core.pair.AvPair;
import io.avloc.modelserver.PairLocalizer;
import io.avloc.modelserver.batch.BatcherConfig;
import io.avloc.modelserver.batch.DynamicBatcher;
import io.avloc.modelserver.batch.OverloadPolicy;
import io.avloc.modelserver.ops.OpsServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code avloc serve}: the distributed GPU stage. Consumes pairs from the pairs topic as a member
 * of a consumer group, localizes them in batches across partitions and produces heatmap events
 * transactionally with the consumed offsets ({@link PairLoop}); serves {@code /metrics}, {@code
 * /health}, {@code /ready} and {@code POST /v1/localize} ({@link LocalizeEndpoint}) on one HTTP
 * port. Both paths share one {@link DynamicBatcher} in front of the {@link PairLocalizer}.
 *
 * <p>Scaling out is starting more instances with the same group: Kafka splits the pairs partitions
 * between them. Ready ({@code /ready} 200) once the consumer has joined the group.
 */
public final class PairServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PairServer.class);

  private final ServeConfig config;
  private final PairLocalizer localizer;
  private final DynamicBatcher<AvPair, Outcome> batcher;
  private final PairLoop loop;
  private final Thread loopThread;
  private final OpsServer http;
  private final BrokerWatch brokerWatch;

  private PairServer(
      ServeConfig config,
      PairLocalizer localizer,
      DynamicBatcher<AvPair, Outcome> batcher,
      PairLoop loop,
      OpsServer http,
      BrokerWatch brokerWatch) {
    this.config = config;
    this.brokerWatch = brokerWatch;
    this.localizer = localizer;
    this.batcher = batcher;
    this.loop = loop;
    this.http = http;
    this.loopThread = new Thread(loop, "avloc-serve-pairs");
  }

  /**
   * Starts the server: creates missing topics (when allowed), joins the group and opens the HTTP
   * port. Returns at once; {@link #ready()} says when the consumer has joined.
   *
   * @param localizer runs inference; shared by the pairs loop and HTTP requests
   * @param registry where every meter goes; scraped at {@code /metrics}
   * @throws IllegalStateException when the broker cannot be reached or the HTTP port is busy
   */
  public static PairServer start(
      ServeConfig config, PairLocalizer localizer, PrometheusMeterRegistry registry) {
    return start(config, localizer, registry, () -> System.currentTimeMillis() * 1000);
  }

  static PairServer start(
      ServeConfig config,
      PairLocalizer localizer,
      PrometheusMeterRegistry registry,
      LongSupplier wallClockUs) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(localizer, "localizer");
    // Every client gets the same properties; fail fast, saying why, when no broker answers.
    KafkaClientSettings.requireBroker(
        config.kafkaFor(KafkaClientSettings.Client.ADMIN),
        KafkaClientSettings.DEFAULT_CONNECT_TIMEOUT);
    int deadLetterBytes = prepareTopics(config);
    ServeMetrics metrics = ServeMetrics.boundTo(registry, config.pairsTopic());
    int maxBatch = Math.min(config.maxBatch(), localizer.maxBatch());
    DynamicBatcher<AvPair, Outcome> batcher =
        new DynamicBatcher<>(
            BatcherConfig.builder()
                .name("serve")
                .maxBatchSize(maxBatch)
                .maxQueueDelay(config.maxDelay())
                // A whole poll fits, with room for HTTP requests.
                .capacity(Math.max(256, 2 * config.maxPollRecords()))
                .overloadPolicy(OverloadPolicy.REJECT)
                .build(),
            new PairBatchRunner(localizer, wallClockUs),
            registry);
    PairLoop loop;
    try {
      loop = new PairLoop(config, batcher, metrics, registry, wallClockUs, deadLetterBytes);
    } catch (RuntimeException e) {
      batcher.close();
      throw new IllegalStateException(
          "cannot start the pairs consumer and transactional producer on "
              + config.bootstrap()
              + ": "
              + e.getMessage(),
          e);
    }
    // /ready asks the broker itself, as avloc streams does; the loop adds its group membership.
    BrokerWatch watch =
        BrokerWatch.start(config.kafkaFor(KafkaClientSettings.Client.ADMIN), "avloc-serve-ready");
    OpsServer http = null;
    if (config.httpPort() >= 0) {
      try {
        http =
            OpsServer.start(
                registry,
                config.httpHost(),
                config.httpPort(),
                () -> loop.ready() && watch.answering());
      } catch (RuntimeException e) {
        watch.close();
        loop.stop();
        loop.run(); // never started: it sees the stop at once and closes its clients
        batcher.close();
        throw new IllegalStateException(
            "cannot serve HTTP on "
                + config.httpHost()
                + ":"
                + config.httpPort()
                + " (the port is in use?); choose another with --http-port (0 = any free port,"
                + " -1 = off)",
            e);
      }
      http.route(
          LocalizeEndpoint.PATH, new LocalizeEndpoint(batcher, config, metrics, wallClockUs));
    }
    PairServer server = new PairServer(config, localizer, batcher, loop, http, watch);
    server.loopThread.start();
    LOG.info(
        "avloc serve: {} → {} with model {} (group {}, transactional id {}, batches of {}){}",
        config.pairsTopic(),
        config.heatmapsTopic(),
        localizer.modelId(),
        config.group(),
        config.transactionalId(),
        maxBatch,
        http == null ? "" : ", HTTP at " + http.url());
    return server;
  }

  /**
   * Creates the missing topics when allowed (pairs and dead letters hold whole frames, so their
   * limit is raised to {@link RecordLimits#pairRecordBytes()}) and reads the dead-letter topic's
   * record limit.
   *
   * @return the largest dead letter the topic and the producer accept
   */
  private static int prepareTopics(ServeConfig config) {
    int pairBytes = RecordLimits.DEFAULT.pairRecordBytes();
    String big = Integer.toString(pairBytes);
    List<NewTopic> wanted = new ArrayList<>();
    wanted.add(
        new NewTopic(config.pairsTopic(), config.partitions(), (short) 1)
            .configs(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, big)));
    wanted.add(new NewTopic(config.heatmapsTopic(), config.partitions(), (short) 1));
    wanted.add(
        new NewTopic(config.deadletterTopic(), config.partitions(), (short) 1)
            .configs(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, big)));
    Map<String, Object> adminConfig =
        new HashMap<>(config.kafkaFor(KafkaClientSettings.Client.ADMIN));
    adminConfig.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
    try (Admin admin = Admin.create(adminConfig)) {
      Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      List<NewTopic> missing = wanted.stream().filter(t -> !existing.contains(t.name())).toList();
      if (config.createTopics() && !missing.isEmpty()) {
        try {
          admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
          LOG.info("created topics {}", missing.stream().map(NewTopic::name).toList());
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw e;
          }
        }
      }
      if (!config.createTopics() && !existing.contains(config.deadletterTopic())) {
        // Whoever creates it later may keep the broker's default limit.
        return Math.min(pairBytes, DeadLetters.BROKER_DEFAULT_MAX_MESSAGE_BYTES);
      }
      int limit = DeadLetters.recordLimit(admin, config.deadletterTopic(), pairBytes);
      if (limit < pairBytes) {
        LOG.warn(
            "topic {} accepts records of at most {} bytes, less than a pair record's {}: larger"
                + " dead letters are truncated ({} header). Raise its max.message.bytes to keep"
                + " them whole",
            config.deadletterTopic(),
            limit,
            pairBytes,
            DeadLetters.PAYLOAD_TRUNCATED);
      }
      return limit;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while checking topics", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(
          "cannot check or create topics on " + config.bootstrap() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Whether the consumer has joined its group, the loop runs and the broker answered within {@link
   * KafkaClientSettings#BROKER_ANSWER_WITHIN} ({@code /ready}).
   */
  public boolean ready() {
    return loop.ready() && brokerWatch.answering();
  }

  /** The pairs partitions this instance owns now. */
  public Set<TopicPartition> assignment() {
    return loop.assignment();
  }

  /** The HTTP port, or −1 when HTTP is off. */
  public int httpPort() {
    return http == null ? -1 : http.port();
  }

  /** {@code http://host:port}, or null when HTTP is off. */
  public String url() {
    return http == null ? null : http.url();
  }

  public String modelId() {
    return localizer.modelId();
  }

  public ServeConfig config() {
    return config;
  }

  /** The error that stopped the pairs loop, if any. */
  public Throwable failure() {
    return loop.failure();
  }

  /** Waits until the pairs loop stops (after {@link #close()} or a fatal error). */
  public boolean awaitStop(Duration timeout) throws InterruptedException {
    return loop.awaitStop(timeout);
  }

  /**
   * Stops gracefully: the poll in progress is finished and committed, the consumer leaves its group
   * (its partitions move to the other instances at once), then HTTP and the batcher stop. The
   * localizer belongs to the caller.
   */
  @Override
  public void close() {
    loop.stop();
    try {
      if (!loop.awaitStop(Duration.ofSeconds(60))) {
        LOG.warn("the pairs loop did not stop within 60 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (http != null) {
      http.close();
    }
    brokerWatch.close();
    batcher.close();
  }
}
