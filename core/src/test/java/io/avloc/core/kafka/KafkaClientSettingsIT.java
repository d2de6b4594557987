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

    s.requireBroker(Duration.ofSeconds(10));
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
  void withoutSecuritySettingsTheCheckSaysTheListenerDoesNotMatch(KafkaBroker broker) {
    KafkaClientSettings plain = KafkaClientSettings.of(broker.saslBootstrapServers(), Map.of());

    long t0 = System.nanoTime();
    assertThatThrownBy(() -> plain.requireBroker(KafkaClientSettings.DEFAULT_CONNECT_TIMEOUT))
        .isInstanceOf(KafkaUnavailableException.class)
        .hasMessageContaining(broker.saslBootstrapServers())
        .hasMessageContaining("security.protocol=PLAINTEXT")
        .hasMessageContaining("sasl.*/ssl.*");
    // The listener takes the connection: the check waits MIN_ANSWER_TIMEOUT for a Kafka answer.
    assertThat(Duration.ofNanos(System.nanoTime() - t0))
        .isLessThan(KafkaClientSettings.MIN_ANSWER_TIMEOUT.plusSeconds(15));
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
