package io.avloc.modelserver.serve;

import static org.assertj.core.api.Assertions.assertThat;

import io.avloc.core.kafka.KafkaClientSettings;
import io.avloc.core.kafka.KafkaClientSettings.Client;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServeConfigTest {

  @Test
  void theHttpPortListensOnLoopbackUnlessAnOperatorOpensIt() {
    assertThat(ServeConfig.builder().build().httpHost()).isEqualTo("127.0.0.1");
    assertThat(ServeConfig.builder().httpHost("0.0.0.0").build().httpHost()).isEqualTo("0.0.0.0");
  }

  @Test
  void theAdminConsumerAndProducerAllGetTheSecuritySettings() {
    ServeConfig c =
        ServeConfig.builder()
            .kafka(
                KafkaClientSettings.of(
                    "broker:9094",
                    Map.of(
                        "security.protocol", "SASL_SSL",
                        "sasl.mechanism", "SCRAM-SHA-256",
                        "consumer.session.timeout.ms", "6000")))
            .build();

    for (Client client : Client.values()) {
      assertThat(c.kafkaFor(client))
          .as(client.name())
          .containsEntry("bootstrap.servers", "broker:9094")
          .containsEntry("security.protocol", "SASL_SSL")
          .containsEntry("sasl.mechanism", "SCRAM-SHA-256");
    }
    assertThat(PairLoop.consumerProperties(c)).containsEntry("session.timeout.ms", "6000");
    assertThat(PairLoop.producerProperties(c))
        .containsEntry("security.protocol", "SASL_SSL")
        .doesNotContainKey("session.timeout.ms");
  }
}
