package io.avloc.core.kafka;

import java.io.IOException;
import java.io.Reader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/**
 * How every avloc program connects to Kafka: the bootstrap servers plus client properties
 * (security, timeouts, anything Kafka's clients accept), the same for the admin, producer and
 * consumer clients of a program, so that a broker that needs SASL or TLS is reached by all of them
 * or by none.
 *
 * <p>Sources, later ones winning: a properties file, environment variables, {@code --set KEY=VALUE}
 * flags. An environment variable {@code AVLOC_KAFKA_<NAME>} sets the client property whose name is
 * {@code <NAME>} lower-cased with {@code _} turned into {@code .} ({@code
 * AVLOC_KAFKA_SASL_JAAS_CONFIG} → {@code sasl.jaas.config}), so that secrets need not be on the
 * command line, where every user of the machine can read them. A key prefixed with {@code admin.},
 * {@code producer.} or {@code consumer.} goes to that kind of client only (the prefix removed), as
 * in Kafka Streams.
 */
public final class KafkaClientSettings {

  /** The broker of a laptop set-up ({@code avloc broker}'s default port). */
  public static final String DEFAULT_BOOTSTRAP = "127.0.0.1:9092";

  /** Environment variables with this prefix are client properties. */
  public static final String ENV_PREFIX = "AVLOC_KAFKA_";

  /** How long start-up waits for a broker's TCP port before it says that none answers. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

  /**
   * Once the TCP phase is over, how much longer the start-up check waits for the Kafka answer: the
   * whole check ends within the connect timeout plus this (15 s by default). A healthy broker
   * answers in milliseconds, and a cold JVM's TLS/SASL handshake on a loaded machine in a few
   * seconds; a listener whose protocol does not match is recognised sooner (see {@link
   * #MISMATCH_CLOSES}).
   */
  public static final Duration ANSWER_MARGIN = Duration.ofSeconds(5);

  /**
   * The broker closed the check's connections this many times before any Kafka answer: it speaks
   * another protocol on that port (SASL or TLS expected, or the reverse). A healthy broker, however
   * slow, keeps the connection open while it works on the request.
   */
  static final int MISMATCH_CLOSES = 2;

  /**
   * {@code /ready}: a running application counts as connected to Kafka only while the broker
   * answered one of its periodic checks ({@link BrokerWatch}) within this long. A check runs every
   * {@link #BROKER_CHECK_INTERVAL}, so an outage shows within this plus one interval.
   */
  public static final Duration BROKER_ANSWER_WITHIN = Duration.ofSeconds(10);

  /** How often {@link BrokerWatch} asks the broker. */
  public static final Duration BROKER_CHECK_INTERVAL = Duration.ofSeconds(2);

  /** The kinds of client; each takes the plain keys and the keys with its prefix. */
  public enum Client {
    ADMIN("admin."),
    PRODUCER("producer."),
    CONSUMER("consumer.");

    private final String prefix;

    Client(String prefix) {
      this.prefix = prefix;
    }

    public String prefix() {
      return prefix;
    }
  }

  private final String bootstrap;
  private final Map<String, String> properties;

  private KafkaClientSettings(String bootstrap, Map<String, String> properties) {
    if (bootstrap == null || bootstrap.isBlank()) {
      throw new IllegalArgumentException("the Kafka bootstrap servers must not be blank");
    }
    this.bootstrap = bootstrap.strip();
    Map<String, String> p = new TreeMap<>(properties);
    p.remove(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
    this.properties = Map.copyOf(p);
  }

  /** {@code bootstrap} (the default when null) and {@code properties} as they are. */
  public static KafkaClientSettings of(String bootstrap, Map<String, String> properties) {
    return new KafkaClientSettings(
        bootstrap != null
            ? bootstrap
            : properties.getOrDefault(
                CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, DEFAULT_BOOTSTRAP),
        properties);
  }

  /**
   * The file (if not null), then the {@code AVLOC_KAFKA_*} variables of {@code env}, then {@code
   * sets}. The bootstrap servers are {@code bootstrap} when not null, else {@code
   * bootstrap.servers} from those sources, else {@link #DEFAULT_BOOTSTRAP}.
   */
  public static KafkaClientSettings load(
      String bootstrap, Path file, Map<String, String> env, Map<String, String> sets) {
    Map<String, String> p = new LinkedHashMap<>();
    if (file != null) {
      p.putAll(readFile(file));
    }
    p.putAll(fromEnvironment(env));
    p.putAll(sets);
    return of(bootstrap, p);
  }

  /** The client properties that {@code AVLOC_KAFKA_*} variables set. */
  public static Map<String, String> fromEnvironment(Map<String, String> env) {
    Map<String, String> p = new TreeMap<>();
    env.forEach(
        (k, v) -> {
          if (k.startsWith(ENV_PREFIX) && k.length() > ENV_PREFIX.length()) {
            p.put(propertyOf(k), v);
          }
        });
    return p;
  }

  /** {@code AVLOC_KAFKA_SASL_JAAS_CONFIG} → {@code sasl.jaas.config}. */
  public static String propertyOf(String environmentVariable) {
    return environmentVariable
        .substring(ENV_PREFIX.length())
        .toLowerCase(Locale.ROOT)
        .replace('_', '.');
  }

  /** A Java properties file of client settings. */
  public static Map<String, String> readFile(Path file) {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(
          "Kafka client properties file " + file + " does not exist");
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot read Kafka client properties file " + file + ": " + e.getMessage(), e);
    }
    Map<String, String> m = new LinkedHashMap<>();
    p.stringPropertyNames().forEach(k -> m.put(k.strip(), p.getProperty(k).strip()));
    return m;
  }

  public String bootstrap() {
    return bootstrap;
  }

  /** The client properties as given (prefixed keys included, bootstrap servers excluded). */
  public Map<String, String> properties() {
    return properties;
  }

  /** This with {@code more} added (winning over what is there). */
  public KafkaClientSettings with(Map<String, String> more) {
    Map<String, String> p = new LinkedHashMap<>(properties);
    p.putAll(more);
    return new KafkaClientSettings(bootstrap, p);
  }

  /**
   * The configuration of one client: the bootstrap servers, the plain keys, then the keys with its
   * prefix (without it). Keys prefixed for another kind of client are left out.
   */
  public Map<String, Object> forClient(Client client) {
    return configFor(client, bootstrap, properties);
  }

  /** As {@link #forClient}, for callers that keep the properties themselves. */
  public static Map<String, Object> configFor(
      Client client, String bootstrap, Map<String, String> properties) {
    Map<String, Object> m = new TreeMap<>();
    properties.forEach(
        (k, v) -> {
          if (prefixOf(k) == null) {
            m.put(k, v);
          }
        });
    properties.forEach(
        (k, v) -> {
          if (k.startsWith(client.prefix())) {
            m.put(k.substring(client.prefix().length()), v);
          }
        });
    m.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    return m;
  }

  private static Client prefixOf(String key) {
    for (Client c : Client.values()) {
      if (key.startsWith(c.prefix())) {
        return c;
      }
    }
    return null;
  }

  /** See {@link #requireBroker(Map, Duration)}, with this program's admin configuration. */
  public void requireBroker(Duration timeout) {
    requireBroker(forClient(Client.ADMIN), timeout);
  }

  /**
   * Returns once a broker answers a metadata request made with {@code adminConfig}; otherwise fails
   * within {@code timeout} plus {@link #ANSWER_MARGIN} at most, naming the bootstrap servers and
   * why: no TCP connection within {@code timeout} (refused, unknown host, timeout), or a listener
   * that closes the connections without a Kafka answer or gives none (the security settings do not
   * match the listener), or what the broker refused (e.g. the SASL credentials).
   *
   * @throws KafkaUnavailableException saying what failed and what to check
   */
  public static void requireBroker(Map<String, Object> adminConfig, Duration timeout) {
    Object servers = adminConfig.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
    String bootstrap = servers == null ? "" : servers.toString();
    long start = System.nanoTime();
    String tcp = tcpReachable(bootstrap, start + timeout.toNanos());
    if (tcp != null) {
      throw new KafkaUnavailableException(
          "no Kafka broker answers at "
              + bootstrap
              + " ("
              + tcp
              + ", tried for "
              + seconds(timeout)
              + "); start one (e.g. 'avloc broker') or pass --bootstrap HOST:PORT");
    }
    // One overall deadline: the time the TCP phase did not use goes to the answer.
    long deadline = start + timeout.toNanos() + ANSWER_MARGIN.toNanos();
    String protocol =
        String.valueOf(
            adminConfig.getOrDefault(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "PLAINTEXT"));
    String mismatch =
        " with security.protocol="
            + protocol
            + "; check that security.protocol and the sasl.*/ssl.* client properties match the"
            + " broker's listener";
    int remainingMs =
        (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
    Map<String, Object> conf = new LinkedHashMap<>(adminConfig);
    conf.putIfAbsent(AdminClientConfig.CLIENT_ID_CONFIG, "avloc-broker-check");
    conf.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, remainingMs);
    conf.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, remainingMs);
    Admin created;
    try {
      created = Admin.create(conf);
    } catch (RuntimeException e) {
      // A setting that no client can start with (e.g. SASL without sasl.jaas.config).
      throw new KafkaUnavailableException(
          "cannot create a Kafka client for "
              + bootstrap
              + " with these client properties: "
              + message(rootCause(e)),
          e);
    }
    Admin admin = created;
    try {
      KafkaFuture<String> answer =
          admin.describeCluster(new DescribeClusterOptions().timeoutMs(remainingMs)).clusterId();
      while (true) {
        long leftMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (leftMs <= 0) {
          throw new KafkaUnavailableException(
              "the broker at "
                  + bootstrap
                  + " accepts connections but answered no Kafka request within "
                  + seconds(timeout.plus(ANSWER_MARGIN))
                  + mismatch);
        }
        try {
          answer.get(Math.min(leftMs, 100), TimeUnit.MILLISECONDS);
          return;
        } catch (TimeoutException e) {
          // not yet: look at what the connections did
        }
        long closes = connectionCloses(admin);
        if (closes >= MISMATCH_CLOSES) {
          throw new KafkaUnavailableException(
              "the broker at "
                  + bootstrap
                  + " accepts connections but closed them "
                  + closes
                  + " times without a Kafka answer"
                  + mismatch);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaUnavailableException("interrupted while connecting to " + bootstrap, e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      if (cause instanceof org.apache.kafka.common.errors.TimeoutException) {
        throw new KafkaUnavailableException(
            "the broker at "
                + bootstrap
                + " accepts connections but answered no Kafka request within "
                + seconds(timeout.plus(ANSWER_MARGIN))
                + " ("
                + message(cause)
                + ")"
                + mismatch,
            e);
      }
      throw new KafkaUnavailableException(
          "the Kafka broker at " + bootstrap + " refused the connection: " + message(cause), e);
    } catch (KafkaUnavailableException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new KafkaUnavailableException(
          "the Kafka broker at " + bootstrap + " refused the connection: " + message(e), e);
    } finally {
      // Without a zero timeout, close would wait for the pending request until its own timeout.
      admin.close(Duration.ZERO);
    }
  }

  /** How many connections the client has seen closed (by either side) so far. */
  private static long connectionCloses(Admin admin) {
    double closes = 0;
    for (Map.Entry<MetricName, ? extends Metric> m : admin.metrics().entrySet()) {
      if (CONNECTION_CLOSE_TOTAL.equals(m.getKey().name())
          && m.getValue().metricValue() instanceof Number n) {
        closes += n.doubleValue();
      }
    }
    return (long) closes;
  }

  /** The Kafka client metric: connections closed since the client started. */
  private static final String CONNECTION_CLOSE_TOTAL = "connection-close-total";

  /** Null when one of the servers takes a TCP connection before the deadline, else why not. */
  private static String tcpReachable(String bootstrap, long deadlineNanos) {
    List<InetSocketAddress> addresses = new ArrayList<>();
    for (String s : bootstrap.split(",")) {
      String hp = s.strip();
      int colon = hp.lastIndexOf(':');
      if (hp.isEmpty() || colon < 1 || colon == hp.length() - 1) {
        throw new IllegalArgumentException(
            "bootstrap server '" + hp + "' must look like HOST:PORT (in '" + bootstrap + "')");
      }
      String host = hp.substring(0, colon).replace("[", "").replace("]", "");
      int port;
      try {
        port = Integer.parseInt(hp.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "bootstrap server '" + hp + "' has no port number (in '" + bootstrap + "')");
      }
      addresses.add(InetSocketAddress.createUnresolved(host, port));
    }
    String last = null;
    do {
      for (InetSocketAddress a : addresses) {
        InetSocketAddress resolved = new InetSocketAddress(a.getHostString(), a.getPort());
        if (resolved.isUnresolved()) {
          last = "unknown host " + a.getHostString();
          continue;
        }
        long leftMs = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
        try (Socket socket = new Socket()) {
          socket.connect(resolved, (int) Math.max(100, Math.min(leftMs, 3_000)));
          return null;
        } catch (IOException e) {
          last = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
      }
      if (System.nanoTime() < deadlineNanos) {
        try {
          // A broker that is starting takes connections soon: try again, not in a hot loop.
          Thread.sleep(250);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return "interrupted";
        }
      }
    } while (System.nanoTime() < deadlineNanos);
    return last;
  }

  private static Throwable rootCause(Throwable t) {
    Throwable r = t;
    while (r.getCause() != null && r.getCause() != r) {
      r = r.getCause();
    }
    return r;
  }

  private static String message(Throwable t) {
    String m = t.getMessage();
    return t.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
  }

  private static String seconds(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }

  /** The bootstrap servers and the property names; values hidden, as they may be secrets. */
  @Override
  public String toString() {
    return "KafkaClientSettings[" + bootstrap + ", properties " + properties.keySet() + "]";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KafkaClientSettings k
        && bootstrap.equals(k.bootstrap)
        && properties.equals(k.properties);
  }

  @Override
  public int hashCode() {
    return Objects.hash(bootstrap, properties);
  }
}
