package io.avloc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.avloc.broker.KafkaBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Drives the packaged {@code avloc broker} command in its own JVM. */
class BrokerCommandIT {

  /**
   * A ceiling, not a pause: the wait ends at the ready line; a busy 2-core machine needs minutes.
   */
  private static final Duration READY = Duration.ofMinutes(5);

  @TempDir Path tmp;

  private static String[] brokerArgs(int port, int controllerPort, Path dir, String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "broker",
                "--port",
                Integer.toString(port),
                "--controller-port",
                Integer.toString(controllerPort),
                "--data-dir",
                dir.toString()));
    args.addAll(List.of(extra));
    return args.toArray(String[]::new);
  }

  @Test
  void servesClientsKeepsDataAcrossARestartAndStopsOnSigterm() throws Exception {
    int port = KafkaBroker.freePort();
    int cport = KafkaBroker.freePort();
    Path dir = tmp.resolve("broker");
    String topic = "it-restart";

    try (AvlocProcess broker = AvlocProcess.start(brokerArgs(port, cport, dir))) {
      String ready = broker.awaitStdout(l -> l.startsWith("bootstrap="), READY);
      assertThat(ready).isEqualTo("bootstrap=127.0.0.1:" + port);
      produce(ready.substring("bootstrap=".length()), topic, "cam-1", "hello");
      assertThat(consumeAll(ready.substring(10), topic)).containsExactly("cam-1=hello");

      int code = broker.terminate(Duration.ofSeconds(60));
      assertThat(code).as(broker.transcript()).isIn(0, 143);
      assertThat(broker.stderr())
          .as("exit %d; %s", code, broker.transcript())
          .contains("avloc broker: stopping");
    }

    try (AvlocProcess again = AvlocProcess.start(brokerArgs(port, cport, dir))) {
      String ready = again.awaitStdout(l -> l.startsWith("bootstrap="), READY);
      assertThat(consumeAll(ready.substring(10), topic))
          .as("records written before the restart")
          .containsExactly("cam-1=hello");
      again.terminate(Duration.ofSeconds(60));
    }

    try (AvlocProcess fresh = AvlocProcess.start(brokerArgs(port, cport, dir, "--fresh"))) {
      String ready = fresh.awaitStdout(l -> l.startsWith("bootstrap="), READY);
      assertThat(consumeAll(ready.substring(10), topic)).as("after --fresh").isEmpty();
      fresh.terminate(Duration.ofSeconds(60));
    }
  }

  @Test
  void restartsOnTheSamePortRightAfterSigtermWhileClientsWereConnected() throws Exception {
    int port = KafkaBroker.freePort();
    int cport = KafkaBroker.freePort();
    Path dir = tmp.resolve("broker");
    try (Admin client =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                "127.0.0.1:" + port,
                AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG,
                1000))) {
      try (AvlocProcess broker = AvlocProcess.start(brokerArgs(port, cport, dir))) {
        broker.awaitStdout(l -> l.startsWith("bootstrap="), READY);
        assertThat(client.describeCluster().nodes().get(30, TimeUnit.SECONDS)).hasSize(1);
        // The broker closes the client's connection: the port's side of it stays in TIME_WAIT.
        assertThat(broker.terminate(Duration.ofSeconds(60))).isIn(0, 143);
      }
      try (AvlocProcess again = AvlocProcess.start(brokerArgs(port, cport, dir))) {
        String ready = again.awaitStdout(l -> l.startsWith("bootstrap="), READY);
        assertThat(ready).isEqualTo("bootstrap=127.0.0.1:" + port);
        assertThat(client.describeCluster().nodes().get(30, TimeUnit.SECONDS))
            .as("the client that was connected before reconnects")
            .hasSize(1);
        again.terminate(Duration.ofSeconds(60));
      }
    }
  }

  @Test
  void refusesABusyPortWithAClearMessage() throws Exception {
    try (java.net.ServerSocket busy =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      int port = busy.getLocalPort();
      try (AvlocProcess broker =
          AvlocProcess.start(brokerArgs(port, KafkaBroker.freePort(), tmp.resolve("b")))) {
        assertThat(broker.awaitExit(Duration.ofSeconds(60))).isEqualTo(1);
        assertThat(broker.stderr())
            .contains("port " + port + " on 127.0.0.1 is already in use")
            .contains("--port");
      }
    }
  }

  @Test
  void refusesADataDirThatCannotBeCreated() throws Exception {
    Path file = Files.writeString(tmp.resolve("not-a-dir"), "x");
    try (AvlocProcess broker =
        AvlocProcess.start(
            brokerArgs(KafkaBroker.freePort(), KafkaBroker.freePort(), file.resolve("data")))) {
      assertThat(broker.awaitExit(Duration.ofSeconds(60))).isEqualTo(1);
      assertThat(broker.stderr())
          .contains("cannot create the broker data directory")
          .contains("--data-dir");
    }
  }

  private static void produce(String bootstrap, String topic, String key, String value)
      throws Exception {
    try (KafkaProducer<String, String> p =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
            new StringSerializer(),
            new StringSerializer())) {
      ProducerRecord<String, String> r = new ProducerRecord<>(topic, key, value);
      r.headers().add("ts-us", "1".getBytes(StandardCharsets.UTF_8));
      p.send(r).get();
    }
  }

  /** Reads the topic from the beginning until a poll comes back empty after the first data. */
  private static List<String> consumeAll(String bootstrap, String topic) {
    List<String> out = new ArrayList<>();
    try (KafkaConsumer<String, String> c =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG,
                "it-" + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG,
                "false"),
            new StringDeserializer(),
            new StringDeserializer())) {
      c.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(300))) {
          out.add(r.key() + "=" + r.value());
        }
        if (!out.isEmpty() || !c.assignment().isEmpty() && endReached(c)) {
          break;
        }
      }
    }
    return out;
  }

  private static boolean endReached(KafkaConsumer<String, String> c) {
    var ends = c.endOffsets(c.assignment());
    return ends.entrySet().stream().allMatch(e -> c.position(e.getKey()) >= e.getValue());
  }
}
