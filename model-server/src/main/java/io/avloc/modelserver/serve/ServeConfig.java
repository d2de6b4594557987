package io.avloc.modelserver.serve;

import io.avloc.core.kafka.KafkaClientSettings;
import io.avloc.core.media.AvlocTopics;
import io.avloc.modelserver.batch.BatcherConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Settings of {@code avloc serve}. Defaults run on a laptop against a local broker; build with
 * {@link #builder()}.
 *
 * @param bootstrap Kafka bootstrap servers
 * @param group consumer group; every instance of one deployment uses the same
 * @param instanceId this instance's name, unique in the group and stable across restarts if
 *     possible: the producer's {@code transactional.id} is {@code group + "-" + instanceId}, so a
 *     restarted instance fences its crashed predecessor at once instead of waiting for the
 *     transaction timeout
 * @param pairsTopic input: pairs written by the streams application in distributed mode
 * @param heatmapsTopic output: heatmap events
 * @param deadletterTopic output: pair records that break the contract
 * @param createTopics create missing topics at start
 * @param partitions partitions of the topics it creates
 * @param maxBatch largest inference batch (across partitions and HTTP requests)
 * @param maxDelay longest wait for a batch to fill
 * @param maxPollRecords most pair records per poll, and so per transaction
 * @param window the model's audio window (HTTP requests are cut to it)
 * @param httpHost interface of the HTTP endpoint (loopback unless an operator opens it up)
 * @param httpPort port of the HTTP endpoint ({@code /metrics}, {@code /health}, {@code /ready},
 *     {@code POST /v1/localize}); 0 = any free port, −1 = off
 * @param maxRequestBytes largest accepted HTTP request body
 * @param requestTimeout how long an HTTP request may wait for a batch slot
 * @param kafka extra client settings (security among them): {@code admin.}/{@code consumer.}/{@code
 *     producer.}-prefixed keys go to one kind of client, other keys to all, see {@link
 *     KafkaClientSettings}
 * @param localizeToken the bearer token {@code POST /v1/localize} requires, or null for none
 */
public record ServeConfig(
    String bootstrap,
    String group,
    String instanceId,
    String pairsTopic,
    String heatmapsTopic,
    String deadletterTopic,
    boolean createTopics,
    int partitions,
    int maxBatch,
    Duration maxDelay,
    int maxPollRecords,
    Duration window,
    String httpHost,
    int httpPort,
    int maxRequestBytes,
    Duration requestTimeout,
    Map<String, String> kafka,
    BearerToken localizeToken) {

  public static final String DEFAULT_GROUP = "avloc-serve";
  public static final int DEFAULT_HTTP_PORT = 9465;

  /** Loopback: other machines reach the HTTP port only when an operator says so. */
  public static final String DEFAULT_HTTP_HOST = "127.0.0.1";

  public ServeConfig {
    requireText(bootstrap, "bootstrap");
    requireText(group, "group");
    requireText(instanceId, "instanceId");
    requireText(pairsTopic, "pairsTopic");
    requireText(heatmapsTopic, "heatmapsTopic");
    requireText(deadletterTopic, "deadletterTopic");
    Objects.requireNonNull(maxDelay, "maxDelay");
    Objects.requireNonNull(window, "window");
    Objects.requireNonNull(requestTimeout, "requestTimeout");
    requireText(httpHost, "httpHost");
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be at least 1, got " + partitions);
    }
    if (maxBatch < 1) {
      throw new IllegalArgumentException("max batch must be at least 1, got " + maxBatch);
    }
    if (maxDelay.isNegative()) {
      throw new IllegalArgumentException("max delay must not be negative, got " + maxDelay);
    }
    if (maxPollRecords < 1) {
      throw new IllegalArgumentException(
          "maxPollRecords must be at least 1, got " + maxPollRecords);
    }
    if (window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("window must be positive, got " + window);
    }
    if (httpPort < -1 || httpPort > 65535) {
      throw new IllegalArgumentException(
          "HTTP port must be a port number, 0 (any free port) or -1 (off), got " + httpPort);
    }
    if (maxRequestBytes < 1) {
      throw new IllegalArgumentException(
          "maxRequestBytes must be positive, got " + maxRequestBytes);
    }
    kafka = Map.copyOf(Objects.requireNonNull(kafka, "kafka"));
  }

  private static void requireText(String v, String name) {
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank");
    }
  }

  /** Every setting but the values of the Kafka client properties, which may hold secrets. */
  @Override
  public String toString() {
    return "ServeConfig[bootstrap="
        + bootstrap
        + ", group="
        + group
        + ", instanceId="
        + instanceId
        + ", topics="
        + List.of(pairsTopic, heatmapsTopic, deadletterTopic)
        + ", http="
        + httpHost
        + ":"
        + httpPort
        + ", kafka properties="
        + kafka.keySet()
        + ", localizeToken="
        + (localizeToken == null ? "none" : "set")
        + "]";
  }

  /** The producer's {@code transactional.id}. */
  public String transactionalId() {
    return group + "-" + instanceId;
  }

  /** The whole configuration of one kind of client: bootstrap servers and {@link #kafka}. */
  public Map<String, Object> kafkaFor(KafkaClientSettings.Client client) {
    return KafkaClientSettings.configFor(client, bootstrap, kafka);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builder of {@link ServeConfig}, starting from the defaults. */
  public static final class Builder {
    private String bootstrap = KafkaClientSettings.DEFAULT_BOOTSTRAP;
    private String group = DEFAULT_GROUP;
    private String instanceId = java.util.UUID.randomUUID().toString().substring(0, 8);
    private String pairsTopic = AvlocTopics.PAIRS;
    private String heatmapsTopic = AvlocTopics.HEATMAPS;
    private String deadletterTopic = AvlocTopics.DEADLETTER;
    private boolean createTopics = true;
    private int partitions = 4;
    private int maxBatch = BatcherConfig.DEFAULT_MAX_BATCH_SIZE;
    private Duration maxDelay = Duration.ofMillis(10);
    private Integer maxPollRecords;
    private Duration window = Duration.ofSeconds(3);
    private String httpHost = DEFAULT_HTTP_HOST;
    private int httpPort = DEFAULT_HTTP_PORT;
    private int maxRequestBytes = 32 << 20;
    private Duration requestTimeout = Duration.ofSeconds(10);
    private Map<String, String> kafka = Map.of();
    private BearerToken localizeToken;

    private Builder() {}

    public Builder bootstrap(String v) {
      bootstrap = v;
      return this;
    }

    public Builder group(String v) {
      group = v;
      return this;
    }

    public Builder instanceId(String v) {
      instanceId = v;
      return this;
    }

    public Builder pairsTopic(String v) {
      pairsTopic = v;
      return this;
    }

    public Builder heatmapsTopic(String v) {
      heatmapsTopic = v;
      return this;
    }

    public Builder deadletterTopic(String v) {
      deadletterTopic = v;
      return this;
    }

    public Builder createTopics(boolean v) {
      createTopics = v;
      return this;
    }

    public Builder partitions(int v) {
      partitions = v;
      return this;
    }

    public Builder maxBatch(int v) {
      maxBatch = v;
      return this;
    }

    public Builder maxDelay(Duration v) {
      maxDelay = v;
      return this;
    }

    /** Default: four batches. */
    public Builder maxPollRecords(int v) {
      maxPollRecords = v;
      return this;
    }

    public Builder window(Duration v) {
      window = v;
      return this;
    }

    public Builder httpHost(String v) {
      httpHost = v;
      return this;
    }

    public Builder httpPort(int v) {
      httpPort = v;
      return this;
    }

    public Builder maxRequestBytes(int v) {
      maxRequestBytes = v;
      return this;
    }

    public Builder requestTimeout(Duration v) {
      requestTimeout = v;
      return this;
    }

    public Builder kafka(Map<String, String> v) {
      kafka = v;
      return this;
    }

    /** Bootstrap servers and client properties in one. */
    public Builder kafka(KafkaClientSettings v) {
      bootstrap = v.bootstrap();
      kafka = v.properties();
      return this;
    }

    /** Null: {@code /v1/localize} needs no token. */
    public Builder localizeToken(BearerToken v) {
      localizeToken = v;
      return this;
    }

    public ServeConfig build() {
      return new ServeConfig(
          bootstrap,
          group,
          instanceId,
          pairsTopic,
          heatmapsTopic,
          deadletterTopic,
          createTopics,
          partitions,
          maxBatch,
          maxDelay,
          maxPollRecords != null ? maxPollRecords : 4 * maxBatch,
          window,
          httpHost,
          httpPort,
          maxRequestBytes,
          requestTimeout,
          kafka,
          localizeToken);
    }
  }
}
