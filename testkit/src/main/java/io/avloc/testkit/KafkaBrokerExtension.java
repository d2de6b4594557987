package io.avloc.testkit;

import io.avloc.broker.KafkaBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.server.config.ServerLogConfigs;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts one real Kafka broker (KRaft, loopback, free ports, fresh temporary storage) per test JVM,
 * shared by every test class that uses this extension, and stops it when the JVM's tests are done.
 * Tests receive it as a {@link KafkaBroker} parameter:
 *
 * <pre>{@code
 * @ExtendWith(KafkaBrokerExtension.class)
 * class MyIT {
 *   @Test
 *   void roundTrip(KafkaBroker broker) { ... broker.bootstrapServers() ... }
 * }
 * }</pre>
 *
 * Tests share the broker, so each should use its own topic names (see {@link TestTopics}).
 *
 * <p>The broker keeps records of any age ({@link #KEEP_RECORDS_OF_ANY_AGE}): test media carry
 * capture times from 2023 as record timestamps, and Kafka's default time retention (7 days, counted
 * from the record timestamp) would let the broker's retention task, which first runs 30 s after
 * start and then every 5 minutes, delete a test's input and output while the test still needs them.
 * That is what made the kill -9 exactly-once tests lose heatmaps on a busy machine.
 */
public final class KafkaBrokerExtension implements ParameterResolver {

  private static final Namespace NAMESPACE = Namespace.create(KafkaBrokerExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == KafkaBroker.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return sharedBroker(context);
  }

  /**
   * Broker setting for the shared broker: no time-based retention ({@code log.retention.ms=-1}).
   * Retention by time counts from the record timestamp, which for media records is the capture
   * time; the tests' fixed capture times (2023) are older than any default retention.
   */
  static final Map.Entry<String, String> KEEP_RECORDS_OF_ANY_AGE =
      Map.entry(ServerLogConfigs.LOG_RETENTION_TIME_MILLIS_CONFIG, "-1");

  /** The JVM-wide broker, started on first use. */
  public static KafkaBroker sharedBroker(ExtensionContext context) {
    return context
        .getRoot()
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(RunningBroker.class, k -> RunningBroker.start(), RunningBroker.class)
        .broker;
  }

  /** Closed by JUnit when the root context closes, i.e. once all tests of the JVM ran. */
  static final class RunningBroker implements AutoCloseable {
    final KafkaBroker broker;
    final Path dir;

    private RunningBroker(KafkaBroker broker, Path dir) {
      this.broker = broker;
      this.dir = dir;
    }

    static RunningBroker start() {
      return start(KafkaBroker.builder());
    }

    static RunningBroker start(KafkaBroker.Builder builder) {
      try {
        Path dir = Files.createTempDirectory("avloc-test-broker-");
        KafkaBroker broker =
            builder
                .config(KEEP_RECORDS_OF_ANY_AGE.getKey(), KEEP_RECORDS_OF_ANY_AGE.getValue())
                .freePorts()
                .dataDir(dir)
                .build()
                .start();
        return new RunningBroker(broker, dir);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public void close() {
      broker.close();
      try {
        Utils.delete(dir.toFile());
      } catch (IOException e) {
        // best effort: the OS cleans its temp folder eventually
      }
    }
  }
}
