package io.avloc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.avloc.broker.KafkaBroker;
import io.avloc.core.kafka.KafkaClientSettings;
import io.avloc.testkit.TestTls;
import io.avloc.testkit.TlsKafkaBrokerExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distributed pipeline over TLS: {@code avloc feed} → frames and audio → {@code avloc streams
 * --inference distributed} → pairs → {@code avloc serve} → heatmaps against a broker whose only
 * listener for the programs is SSL, with a certificate generated for the run ({@link TestTls}).
 * Every client (admin, producer, consumer, Kafka Streams) trusts it through the project's client
 * settings alone: protocol and truststore in {@code --kafka-config}, the truststore password only
 * in {@code AVLOC_KAFKA_SSL_TRUSTSTORE_PASSWORD}; no JVM-wide {@code javax.net.ssl.*} properties.
 */
@ExtendWith(TlsKafkaBrokerExtension.class)
class TlsPipelineIT {

  @TempDir Path tmp;

  @Test
  void feedStreamsAndServeRunEndToEndOverTls(KafkaBroker broker, TestTls tls) throws Exception {
    String bootstrap = broker.sslBootstrapServers();
    Map<String, String> ssl = tls.clientProperties();
    Path clientConfig = tmp.resolve("client.properties");
    Files.writeString(
        clientConfig,
        "security.protocol="
            + ssl.get("security.protocol")
            + "\nssl.truststore.location="
            + ssl.get("ssl.truststore.location")
            + "\nssl.truststore.type="
            + ssl.get("ssl.truststore.type")
            + "\n");
    Map<String, String> secretEnv =
        Map.of(
            KafkaClientSettings.ENV_PREFIX + "SSL_TRUSTSTORE_PASSWORD",
            ssl.get("ssl.truststore.password"));

    // A plain client on the TLS listener: the start-up check names the mismatch within seconds.
    long t0 = System.nanoTime();
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
          // recognised from the listener closing the connections, not by waiting out the deadline
          .contains("without a Kafka answer")
          .contains("security.protocol=PLAINTEXT");
    }
    System.out.printf(
        "plain streams on the TLS listener exited after %d ms (JVM start included)%n",
        (System.nanoTime() - t0) / 1_000_000);
    SecuredPipeline.runsEndToEnd("tls", bootstrap, ssl, clientConfig, secretEnv, tmp);
  }
}
