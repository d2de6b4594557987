package io.avloc.testkit;

import io.avloc.broker.KafkaBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.kafka.common.utils.Utils;
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
        KafkaBroker broker = builder.freePorts().dataDir(dir).build().start();
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
