package io.avloc.testkit;

import io.avloc.broker.KafkaBroker;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * As {@link KafkaBrokerExtension}, with a broker that also has a SASL_PLAINTEXT listener
 * (SCRAM-SHA-256) and one user, {@value #USER}: clients reach it through {@link
 * KafkaBroker#saslBootstrapServers()} with {@link KafkaBroker#saslClientProperties()}. One per test
 * JVM; do not use it together with {@link KafkaBrokerExtension} in one class.
 */
public final class SaslKafkaBrokerExtension implements ParameterResolver {

  /** The SCRAM user the broker knows. */
  public static final String USER = "avloc-test";

  /** Its password (a test secret, not a real one). */
  public static final String PASSWORD = "avloc-test-secret";

  private static final Namespace NAMESPACE = Namespace.create(SaslKafkaBrokerExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == KafkaBroker.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return context
        .getRoot()
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(
            KafkaBrokerExtension.RunningBroker.class,
            k ->
                KafkaBrokerExtension.RunningBroker.start(
                    KafkaBroker.builder().scramUser(USER, PASSWORD)),
            KafkaBrokerExtension.RunningBroker.class)
        .broker;
  }
}
