package io.avloc.core.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.avloc.broker.KafkaBroker;
import io.avloc.core.kafka.KafkaClientSettings.Client;
import io.avloc.testkit.SaslKafkaBrokerExtension;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The start-up check and client settings against a real broker with a SCRAM-SHA-256 listener. */
@ExtendWith(SaslKafkaBrokerExtension.class)
class KafkaClientSettingsIT {

  @Test
  void withTheScramPropertiesTheBrokerAnswersAndTheAdminWorks(KafkaBroker broker) throws Exception {
    KafkaClientSettings s =
        KafkaClientSettings.of(broker.saslBootstrapServers(), broker.saslClientProperties());

    long t0 = System.nanoTime();
    s.requireBroker(KafkaClientSettings.DEFAULT_CONNECT_TIMEOUT);
    System.out.printf(
        "SCRAM broker check answered after %d ms%n", (System.nanoTime() - t0) / 1_000_000);
    String topic = "sasl-check-" + System.nanoTime();
    try (Admin admin = Admin.create(s.forClient(Client.ADMIN))) {
      admin
          .createTopics(List.of(new NewTopic(topic, 1, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
      assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).contains(topic);
    }
  }

  @Test
  void withoutSecuritySettingsTheCheckSaysWithinFifteenSecondsThatTheListenerDoesNotMatch(
      KafkaBroker broker) {
    KafkaClientSettings plain = KafkaClientSettings.of(broker.saslBootstrapServers(), Map.of());

    long t0 = System.nanoTime();
    assertThatThrownBy(() -> plain.requireBroker(KafkaClientSettings.DEFAULT_CONNECT_TIMEOUT))
        .isInstanceOf(KafkaUnavailableException.class)
        .hasMessageContaining("the broker at " + broker.saslBootstrapServers())
        .hasMessageContaining("security.protocol=PLAINTEXT")
        .hasMessageContaining("sasl.*/ssl.*");
    // The SASL listener answers the plain client's ApiVersions, then closes the connection on its
    // first other request: the check recognises that, and the whole check ends within the
    // connect timeout plus the answer margin in any case.
    Duration took = Duration.ofNanos(System.nanoTime() - t0);
    System.out.printf("protocol mismatch reported after %d ms%n", took.toMillis());
    assertThat(took).isLessThanOrEqualTo(Duration.ofSeconds(15));
  }

  @Test
  void aWrongPasswordIsReportedAsTheBrokersRefusal(KafkaBroker broker) {
    Map<String, String> props = new HashMap<>(broker.saslClientProperties());
    props.put(
        "sasl.jaas.config",
        KafkaBroker.scramJaasConfig(SaslKafkaBrokerExtension.USER, "not-the-password"));
    KafkaClientSettings wrong = KafkaClientSettings.of(broker.saslBootstrapServers(), props);

    assertThatThrownBy(() -> wrong.requireBroker(KafkaClientSettings.DEFAULT_CONNECT_TIMEOUT))
        .isInstanceOf(KafkaUnavailableException.class)
        .hasMessageContaining("refused the connection")
        .hasMessageContaining("SaslAuthenticationException")
        .hasMessageNotContaining("not-the-password");
  }
}
