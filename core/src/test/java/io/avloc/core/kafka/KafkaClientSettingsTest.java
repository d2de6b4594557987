package io.avloc.core.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.avloc.core.kafka.KafkaClientSettings.Client;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaClientSettingsTest {

  @TempDir Path tmp;

  @Test
  void anAvlocKafkaVariableSetsTheClientPropertyOfTheSameName() {
    Map<String, String> env =
        Map.of(
            "AVLOC_KAFKA_SASL_JAAS_CONFIG", "jaas-line",
            "AVLOC_KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
            "AVLOC_SYNC_WINDOW_MS", "3000",
            "PATH", "/bin");

    KafkaClientSettings s = KafkaClientSettings.load(null, null, env, Map.of());

    assertThat(s.properties())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("sasl.jaas.config", "jaas-line", "security.protocol", "SASL_SSL"));
    assertThat(KafkaClientSettings.propertyOf("AVLOC_KAFKA_SSL_TRUSTSTORE_PASSWORD"))
        .isEqualTo("ssl.truststore.password");
  }

  @Test
  void theFileIsOverriddenByTheEnvironmentWhichIsOverriddenBySet() throws IOException {
    Path file = tmp.resolve("client.properties");
    Files.writeString(
        file,
        "security.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\nclient.id=from-file\n"
            + "bootstrap.servers=file-host:9092\n");

    KafkaClientSettings s =
        KafkaClientSettings.load(
            null,
            file,
            Map.of("AVLOC_KAFKA_SASL_MECHANISM", "SCRAM-SHA-256", "AVLOC_KAFKA_CLIENT_ID", "env"),
            Map.of("client.id", "flag"));

    assertThat(s.bootstrap()).isEqualTo("file-host:9092");
    assertThat(s.properties())
        .containsEntry("security.protocol", "SASL_PLAINTEXT")
        .containsEntry("sasl.mechanism", "SCRAM-SHA-256")
        .containsEntry("client.id", "flag")
        .doesNotContainKey("bootstrap.servers");
    assertThat(KafkaClientSettings.load("flag-host:1", file, Map.of(), Map.of()).bootstrap())
        .isEqualTo("flag-host:1");
    assertThat(KafkaClientSettings.load(null, null, Map.of(), Map.of()).bootstrap())
        .isEqualTo(KafkaClientSettings.DEFAULT_BOOTSTRAP);
  }

  @Test
  void everyKindOfClientGetsThePlainKeysAndOnlyItsOwnPrefixedOnes() {
    KafkaClientSettings s =
        KafkaClientSettings.of(
            "b:1",
            Map.of(
                "security.protocol", "SSL",
                "consumer.session.timeout.ms", "6000",
                "producer.linger.ms", "7",
                "admin.request.timeout.ms", "900"));

    assertThat(s.forClient(Client.ADMIN))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "bootstrap.servers", "b:1",
                "security.protocol", "SSL",
                "request.timeout.ms", "900"));
    assertThat(s.forClient(Client.CONSUMER))
        .containsEntry("security.protocol", "SSL")
        .containsEntry("session.timeout.ms", "6000")
        .doesNotContainKeys("linger.ms", "request.timeout.ms", "consumer.session.timeout.ms");
    assertThat(s.forClient(Client.PRODUCER))
        .containsEntry("security.protocol", "SSL")
        .containsEntry("linger.ms", "7")
        .doesNotContainKey("session.timeout.ms");
  }

  @Test
  void aMissingPropertiesFileIsNamed() {
    Path missing = tmp.resolve("nope.properties");
    assertThatThrownBy(() -> KafkaClientSettings.load(null, missing, Map.of(), Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(missing.toString())
        .hasMessageContaining("does not exist");
  }

  @Test
  void printingTheSettingsNeverShowsAValue() {
    KafkaClientSettings s =
        KafkaClientSettings.of("b:1", Map.of("sasl.jaas.config", "password=\"hunter2\""));
    assertThat(s.toString()).contains("sasl.jaas.config").doesNotContain("hunter2");
  }

  @Test
  void whenNothingListensTheCheckFailsWithinFifteenSecondsNamingAddressAndReason()
      throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    KafkaClientSettings s = KafkaClientSettings.of("127.0.0.1:" + port, Map.of());

    long t0 = System.nanoTime();
    assertThatThrownBy(() -> s.requireBroker(KafkaClientSettings.DEFAULT_CONNECT_TIMEOUT))
        .isInstanceOf(KafkaUnavailableException.class)
        .hasMessageContaining("no Kafka broker answers at 127.0.0.1:" + port)
        .hasMessageContaining("Connection refused")
        .hasMessageContaining("--bootstrap");
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(15));
  }

  @Test
  void aListenerThatTakesConnectionsButNeverAnswersFailsWithinTheConnectTimeoutPlusTheMargin()
      throws Exception {
    List<Socket> held = new CopyOnWriteArrayList<>();
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread acceptor =
          new Thread(
              () -> {
                try {
                  while (true) {
                    held.add(silent.accept()); // takes the connection, never answers
                  }
                } catch (IOException e) {
                  // closed: the test is over
                }
              });
      acceptor.setDaemon(true);
      acceptor.start();
      KafkaClientSettings s =
          KafkaClientSettings.of("127.0.0.1:" + silent.getLocalPort(), Map.of());

      long t0 = System.nanoTime();
      assertThatThrownBy(() -> s.requireBroker(Duration.ofSeconds(1)))
          .isInstanceOf(KafkaUnavailableException.class)
          .hasMessageContaining("accepts connections but answered no Kafka request within 6 s")
          .hasMessageContaining("security.protocol=PLAINTEXT");
      // One deadline for the whole check: the connect timeout plus the answer margin (was 30 s).
      assertThat(Duration.ofNanos(System.nanoTime() - t0))
          .isLessThan(Duration.ofSeconds(1).plus(KafkaClientSettings.ANSWER_MARGIN).plusSeconds(3));
    } finally {
      for (Socket c : held) {
        c.close();
      }
    }
  }

  @Test
  void anUnknownHostIsNamedAsSuch() {
    KafkaClientSettings s = KafkaClientSettings.of("no-such-host.invalid:9092", Map.of());
    assertThatThrownBy(() -> s.requireBroker(Duration.ofSeconds(1)))
        .isInstanceOf(KafkaUnavailableException.class)
        .hasMessageContaining("unknown host no-such-host.invalid");
  }

  @Test
  void aBootstrapWithoutPortIsAUsageError() {
    KafkaClientSettings s = KafkaClientSettings.of("localhost", Map.of());
    assertThatThrownBy(() -> s.requireBroker(Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("HOST:PORT");
  }
}
