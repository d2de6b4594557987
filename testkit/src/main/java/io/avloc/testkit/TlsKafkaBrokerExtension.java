package io.avloc.testkit;

import io.avloc.broker.KafkaBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * As {@link KafkaBrokerExtension}, with a broker that also has an SSL listener whose key and
 * certificate are generated for the run ({@link TestTls}). Tests receive the {@link KafkaBroker}
 * (clients reach it through {@link KafkaBroker#sslBootstrapServers()}) and the {@link TestTls} (the
 * truststore for the clients). One per test JVM; do not use it together with another broker
 * extension in one class.
 */
public final class TlsKafkaBrokerExtension implements ParameterResolver {

  private static final Namespace NAMESPACE = Namespace.create(TlsKafkaBrokerExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == KafkaBroker.class || type == TestTls.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    ExtensionContext.Store store = context.getRoot().getStore(NAMESPACE);
    TestTls tls = store.getOrComputeIfAbsent(TestTls.class, k -> generate(), TestTls.class);
    if (parameter.getParameter().getType() == TestTls.class) {
      return tls;
    }
    return store.getOrComputeIfAbsent(
            KafkaBrokerExtension.RunningBroker.class,
            k ->
                KafkaBrokerExtension.RunningBroker.start(
                    KafkaBroker.builder().sslListener(tls.keystore(), tls.password())),
            KafkaBrokerExtension.RunningBroker.class)
        .broker;
  }

  private static TestTls generate() {
    try {
      return TestTls.generate(Files.createTempDirectory("avloc-test-tls-"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
