package io.avloc.broker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Apache Kafka broker in KRaft mode (combined broker + controller), bound to the
 * loopback interface. It runs in-process from the Maven Central jars: no Docker, no installation.
 *
 * <p>The storage directory is formatted on first start and reused afterwards, so topics and records
 * survive a restart unless {@link Builder#fresh(boolean)} asks for a wipe.
 */
public final class KafkaBroker implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaBroker.class);
  private static final String HOST = "127.0.0.1";
  private static final String SCRAM_MECHANISM = "SCRAM-SHA-256";

  private final int port;
  private final int controllerPort;
  private final Path dataDir;
  private final Map<String, String> overrides;
  private final Duration startTimeout;
  private final boolean fresh;
  private final int saslPort; // 0: no SASL listener
  private final String scramUser;
  private final String scramPassword;
  private final int sslPort; // 0: no SSL listener
  private final Path sslKeystore;
  private final String sslPassword;
  private KafkaRaftServer server;
  private boolean closed;

  private KafkaBroker(Builder b) {
    this.port = b.port;
    this.controllerPort = b.controllerPort;
    this.dataDir = b.dataDir.toAbsolutePath().normalize();
    this.overrides = Map.copyOf(b.overrides);
    this.startTimeout = b.startTimeout;
    this.fresh = b.fresh;
    this.saslPort = b.scramUser == null ? 0 : b.saslPort;
    this.scramUser = b.scramUser;
    this.scramPassword = b.scramPassword;
    this.sslPort = b.sslKeystore == null ? 0 : b.sslPort;
    this.sslKeystore = b.sslKeystore;
    this.sslPassword = b.sslPassword;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** {@code 127.0.0.1:<port>}, the value for {@code bootstrap.servers}. */
  public String bootstrapServers() {
    return HOST + ":" + port;
  }

  public int port() {
    return port;
  }

  /**
   * {@code 127.0.0.1:<port>} of the SASL_PLAINTEXT listener (SCRAM-SHA-256), the bootstrap servers
   * for clients that authenticate; see {@link Builder#scramUser}.
   *
   * @throws IllegalStateException when the broker has no SASL listener
   */
  public String saslBootstrapServers() {
    if (saslPort == 0) {
      throw new IllegalStateException("this broker has no SASL listener; build it with scramUser");
    }
    return HOST + ":" + saslPort;
  }

  /**
   * The client properties that authenticate on the SASL listener as the SCRAM user: {@code
   * security.protocol}, {@code sasl.mechanism} and {@code sasl.jaas.config}.
   */
  public Map<String, String> saslClientProperties() {
    saslBootstrapServers();
    return Map.of(
        "security.protocol",
        "SASL_PLAINTEXT",
        "sasl.mechanism",
        SCRAM_MECHANISM,
        "sasl.jaas.config",
        scramJaasConfig(scramUser, scramPassword));
  }

  /**
   * {@code 127.0.0.1:<port>} of the SSL listener (TLS, server authentication only); see {@link
   * Builder#sslListener}. Clients need {@code security.protocol=SSL} and a truststore that holds
   * the broker's certificate.
   *
   * @throws IllegalStateException when the broker has no SSL listener
   */
  public String sslBootstrapServers() {
    if (sslPort == 0) {
      throw new IllegalStateException("this broker has no SSL listener; build it with sslListener");
    }
    return HOST + ":" + sslPort;
  }

  /** The JAAS line of a SCRAM client; the values are quoted as JAAS wants. */
  public static String scramJaasConfig(String user, String password) {
    return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
        + user
        + "\" password=\""
        + password
        + "\";";
  }

  public int controllerPort() {
    return controllerPort;
  }

  public Path dataDir() {
    return dataDir;
  }

  /**
   * Formats the storage if needed, starts the broker and returns once it answers a metadata
   * request.
   *
   * @throws BrokerStartException with a message that says what to change, when a port is busy, the
   *     data directory is unusable or the broker does not come up in time
   */
  public synchronized KafkaBroker start() {
    if (server != null) {
      throw new IllegalStateException("broker already started");
    }
    requireFreePort(port, "--port");
    requireFreePort(controllerPort, "--controller-port");
    if (saslPort != 0) {
      requireFreePort(saslPort, "another SASL port");
    }
    if (sslPort != 0) {
      requireFreePort(sslPort, "another SSL port");
    }
    if (fresh) {
      deleteRecursively(dataDir);
    }
    Path logDir = prepareDataDir();
    Properties props = serverProperties(logDir);
    Path propsFile = dataDir.resolve("server.properties");
    writeProperties(props, propsFile);
    // Formatting again would mint a new cluster id that contradicts the stored one.
    if (!Files.exists(logDir.resolve("meta.properties"))) {
      format(propsFile);
    }

    KafkaRaftServer s = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
    try {
      s.startup();
    } catch (RuntimeException e) {
      safeShutdown(s);
      throw new BrokerStartException("Kafka broker failed to start: " + rootMessage(e), e);
    }
    server = s;
    awaitReady();
    LOG.info("Kafka broker ready at {} (data in {})", bootstrapServers(), dataDir);
    return this;
  }

  /** Blocks until the broker shuts down (after {@link #close()} from another thread). */
  public void awaitShutdown() {
    KafkaRaftServer s;
    synchronized (this) {
      s = server;
    }
    if (s != null) {
      s.awaitShutdown();
    }
  }

  @Override
  public synchronized void close() {
    if (closed || server == null) {
      closed = true;
      return;
    }
    closed = true;
    safeShutdown(server);
    LOG.info("Kafka broker at {} stopped", bootstrapServers());
  }

  private static void safeShutdown(KafkaRaftServer s) {
    try {
      s.shutdown();
      s.awaitShutdown();
    } catch (RuntimeException e) {
      LOG.warn("error while stopping the Kafka broker: {}", e.toString());
    }
  }

  private Path prepareDataDir() {
    try {
      Files.createDirectories(dataDir);
    } catch (IOException e) {
      throw new BrokerStartException(
          "cannot create the broker data directory "
              + dataDir
              + " ("
              + e
              + "); pass --data-dir with a writable folder",
          e);
    }
    if (!Files.isDirectory(dataDir) || !Files.isWritable(dataDir)) {
      throw new BrokerStartException(
          "the broker data directory "
              + dataDir
              + " is not a writable folder; pass --data-dir with a writable folder");
    }
    Path probe = dataDir.resolve(".write-probe");
    try {
      Files.writeString(probe, "ok");
      Files.delete(probe);
    } catch (IOException e) {
      throw new BrokerStartException(
          "the broker data directory "
              + dataDir
              + " is not writable ("
              + e.getMessage()
              + "); pass --data-dir with a writable folder",
          e);
    }
    return dataDir.resolve("kraft-logs");
  }

  private Properties serverProperties(Path logDir) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("process.roles", "broker,controller");
    p.put("node.id", "1");
    p.put("controller.quorum.voters", "1@" + HOST + ":" + controllerPort);
    String sasl = saslPort == 0 ? "" : ",SASL_PLAINTEXT://" + HOST + ":" + saslPort;
    String ssl = sslPort == 0 ? "" : ",SSL://" + HOST + ":" + sslPort;
    p.put(
        "listeners",
        "PLAINTEXT://"
            + HOST
            + ":"
            + port
            + ",CONTROLLER://"
            + HOST
            + ":"
            + controllerPort
            + sasl
            + ssl);
    p.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + port + sasl + ssl);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put(
        "listener.security.protocol.map",
        "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"
            + (saslPort == 0 ? "" : ",SASL_PLAINTEXT:SASL_PLAINTEXT")
            + (sslPort == 0 ? "" : ",SSL:SSL"));
    if (sslPort != 0) {
      p.put("listener.name.ssl.ssl.keystore.location", sslKeystore.toString());
      p.put("listener.name.ssl.ssl.keystore.type", "PKCS12");
      p.put("listener.name.ssl.ssl.keystore.password", sslPassword);
      p.put("listener.name.ssl.ssl.key.password", sslPassword);
      p.put("listener.name.ssl.ssl.client.auth", "none");
    }
    if (saslPort != 0) {
      // SCRAM credentials live in the cluster metadata; format() adds the user's.
      p.put("sasl.enabled.mechanisms", SCRAM_MECHANISM);
      p.put(
          "listener.name.sasl_plaintext."
              + SCRAM_MECHANISM.toLowerCase(java.util.Locale.ROOT)
              + ".sasl.jaas.config",
          "org.apache.kafka.common.security.scram.ScramLoginModule required;");
    }
    p.put("log.dirs", logDir.toString());
    // A single node: every internal topic must fit on one replica.
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "1");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("transaction.state.log.num.partitions", "1");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("num.partitions", "1");
    p.put("default.replication.factor", "1");
    p.put("min.insync.replicas", "1");
    p.put("auto.create.topics.enable", "true");
    p.putAll(overrides);
    Properties props = new Properties();
    props.putAll(p);
    return props;
  }

  private static void writeProperties(Properties props, Path file) {
    StringBuilder sb = new StringBuilder("# written by avloc broker on every start\n");
    props.stringPropertyNames().stream()
        .sorted()
        .forEach(k -> sb.append(k).append('=').append(props.getProperty(k)).append('\n'));
    try {
      Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void format(Path propsFile) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    List<String> args =
        new ArrayList<>(
            List.of(
                "format",
                "-t",
                Uuid.randomUuid().toString(),
                "-c",
                propsFile.toString(),
                "--ignore-formatted"));
    if (scramUser != null) {
      args.add("--add-scram");
      args.add(SCRAM_MECHANISM + "=[name=" + scramUser + ",password=\"" + scramPassword + "\"]");
    }
    int rc;
    try (PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8)) {
      rc = StorageTool.execute(args.toArray(new String[0]), ps);
    } catch (RuntimeException e) {
      throw new BrokerStartException(
          "formatting the broker storage in "
              + dataDir
              + " failed: "
              + rootMessage(e)
              + "; start once with --fresh to wipe it",
          e);
    }
    if (rc != 0) {
      throw new BrokerStartException(
          "formatting the broker storage in "
              + dataDir
              + " failed: "
              + out.toString(StandardCharsets.UTF_8).trim()
              + "; start once with --fresh to wipe it");
    }
  }

  private void awaitReady() {
    Map<String, Object> conf =
        Map.of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000,
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
    long deadline = System.nanoTime() + startTimeout.toNanos();
    Exception last = null;
    try (Admin admin = Admin.create(conf)) {
      while (System.nanoTime() < deadline) {
        try {
          if (!admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty()) {
            return;
          }
        } catch (Exception e) {
          if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
            break;
          }
          last = e;
        }
        sleep(100);
      }
    }
    close();
    throw new BrokerStartException(
        "the Kafka broker did not become ready within "
            + startTimeout.toSeconds()
            + " s"
            + (last == null ? "" : " (last error: " + rootMessage(last) + ")"),
        last);
  }

  /**
   * Fails with a clear message when something listens on {@code port}. The probe binds the way the
   * broker's own listeners do (Java server sockets set SO_REUSEADDR): connections that a stopped
   * broker closed linger in TIME_WAIT for about a minute, and a probe without address reuse would
   * refuse a restart on the same port although nothing listens.
   */
  private static void requireFreePort(int port, String flag) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(InetAddress.getByName(HOST), port));
    } catch (IOException e) {
      throw new BrokerStartException(
          "port "
              + port
              + " on "
              + HOST
              + " is already in use (is another broker running?); pass "
              + flag
              + " to choose another port",
          e);
    }
  }

  /** Returns a port that was free on the loopback interface a moment ago. */
  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    // --fresh takes a user-supplied path: never wipe a folder that is not a broker's own.
    boolean ours =
        Files.exists(dir.resolve("server.properties")) || Files.exists(dir.resolve("kraft-logs"));
    try (Stream<Path> entries = Files.list(dir)) {
      if (!ours && entries.findAny().isPresent()) {
        throw new BrokerStartException(
            "refusing to wipe "
                + dir
                + ": it is not empty and does not look like a broker data directory"
                + " (no server.properties or kraft-logs); choose another --data-dir");
      }
    } catch (IOException e) {
      throw new BrokerStartException("cannot read " + dir + ": " + e.getMessage(), e);
    }
    try {
      Utils.delete(dir.toFile());
    } catch (IOException e) {
      throw new BrokerStartException(
          "cannot wipe the broker data directory " + dir + ": " + e.getMessage(), e);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String rootMessage(Throwable t) {
    Throwable r = t;
    while (r.getCause() != null && r.getCause() != r) {
      r = r.getCause();
    }
    return r.getClass().getSimpleName() + ": " + r.getMessage();
  }

  /** Configuration of a {@link KafkaBroker}; defaults are Kafka's usual 9092/9093. */
  public static final class Builder {
    private int port = 9092;
    private int controllerPort = 9093;
    private Path dataDir = Path.of(System.getProperty("user.home"), ".avloc", "broker");
    private boolean fresh;
    private final Map<String, String> overrides = new LinkedHashMap<>();
    private Duration startTimeout = Duration.ofSeconds(60);
    private int saslPort;
    private String scramUser;
    private String scramPassword;
    private int sslPort;
    private Path sslKeystore;
    private String sslPassword;

    private Builder() {}

    /**
     * Adds an SSL listener (TLS, no client certificates) on a free port, next to the PLAINTEXT one,
     * with the broker's key and certificate from {@code keystore} (PKCS12, store and key under
     * {@code password}).
     */
    public Builder sslListener(Path keystore, String password) {
      this.sslKeystore = Objects.requireNonNull(keystore, "keystore").toAbsolutePath();
      this.sslPassword = Objects.requireNonNull(password, "password");
      return this;
    }

    /**
     * Adds a SASL_PLAINTEXT listener (SCRAM-SHA-256) on a free port, next to the PLAINTEXT one,
     * with one user whose credential is written into the storage when it is formatted (so a fresh
     * data directory is needed for a new user).
     */
    public Builder scramUser(String user, String password) {
      if (user == null || user.isBlank() || password == null || password.isEmpty()) {
        throw new IllegalArgumentException("a SCRAM user needs a name and a password");
      }
      if (!user.matches("[A-Za-z0-9._-]+") || password.contains("\"")) {
        throw new IllegalArgumentException(
            "SCRAM user names are letters, digits, '.', '_' or '-', and passwords have no quotes");
      }
      this.scramUser = user;
      this.scramPassword = password;
      return this;
    }

    public Builder port(int port) {
      this.port = checkPort(port, "port");
      return this;
    }

    public Builder controllerPort(int port) {
      this.controllerPort = checkPort(port, "controller port");
      return this;
    }

    /** Picks two free loopback ports (for tests and parallel runs). */
    public Builder freePorts() {
      this.port = freePort();
      int c = freePort();
      while (c == this.port) {
        c = freePort();
      }
      this.controllerPort = c;
      return this;
    }

    public Builder dataDir(Path dataDir) {
      this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
      return this;
    }

    /** Wipe the data directory before starting. */
    public Builder fresh(boolean fresh) {
      this.fresh = fresh;
      return this;
    }

    /** Any broker property, e.g. {@code num.partitions}; applied last. */
    public Builder config(String key, String value) {
      overrides.put(key, value);
      return this;
    }

    public Builder startTimeout(Duration timeout) {
      this.startTimeout = Objects.requireNonNull(timeout);
      return this;
    }

    public KafkaBroker build() {
      if (scramUser != null && saslPort == 0) {
        int p = freePort();
        while (p == port || p == controllerPort) {
          p = freePort();
        }
        saslPort = p;
      }
      if (sslKeystore != null && sslPort == 0) {
        int p = freePort();
        while (p == port || p == controllerPort || p == saslPort) {
          p = freePort();
        }
        sslPort = p;
      }
      if (port == controllerPort) {
        throw new IllegalArgumentException(
            "the broker port and the controller port must differ (both are " + port + ")");
      }
      return new KafkaBroker(this);
    }

    private static int checkPort(int port, String what) {
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException(what + " must be in 1..65535, got " + port);
      }
      return port;
    }
  }
}
