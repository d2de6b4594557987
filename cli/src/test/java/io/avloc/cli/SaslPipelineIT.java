package io.avloc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.avloc.broker.KafkaBroker;
import io.avloc.core.kafka.KafkaClientSettings;
import io.avloc.testkit.SaslKafkaBrokerExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distributed pipeline against a broker that only lets SCRAM-SHA-256 users in (its
 * SASL_PLAINTEXT listener): {@code avloc feed} → frames and audio → {@code avloc streams
 * --inference distributed} → pairs → {@code avloc serve} → heatmaps, every client (admin, producer,
 * consumer, Kafka Streams) authenticating with the same settings: non-secret ones from {@code
 * --kafka-config}, the password only in {@code AVLOC_KAFKA_SASL_JAAS_CONFIG}.
 */
@ExtendWith(SaslKafkaBrokerExtension.class)
class SaslPipelineIT {

  @TempDir Path tmp;

  @Test
  void feedStreamsAndServeRunEndToEndThroughTheScramListener(KafkaBroker broker) throws Exception {
    String bootstrap = broker.saslBootstrapServers();
    Map<String, String> sasl = broker.saslClientProperties();
    Path clientConfig = tmp.resolve("client.properties");
    Files.writeString(
        clientConfig,
        "security.protocol="
            + sasl.get("security.protocol")
            + "\nsasl.mechanism="
            + sasl.get("sasl.mechanism")
            + "\n");
    Map<String, String> secretEnv =
        Map.of(KafkaClientSettings.ENV_PREFIX + "SASL_JAAS_CONFIG", sasl.get("sasl.jaas.config"));

    // Without the secret, the check at start-up says within seconds what is wrong.
    try (AvlocProcess refused =
        AvlocProcess.start(
            "streams",
            "--bootstrap",
            bootstrap,
            "--inference",
            "distributed",
            "--set",
            "avloc.metrics.port=-1",
            "--set",
            "avloc.state.dir=" + tmp.resolve("state-refused"))) {
      assertThat(refused.awaitExit(Duration.ofSeconds(120))).isEqualTo(1);
      assertThat(refused.stderr())
          .contains("the broker at " + bootstrap + " accepts connections")
          .contains("security.protocol=PLAINTEXT");
    }

    SecuredPipeline.runsEndToEnd("sasl", bootstrap, sasl, clientConfig, secretEnv, tmp);
  }
}
