package io.avloc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.avloc.broker.KafkaBroker;
import io.avloc.core.artifact.ModelExporter;
import io.avloc.core.model.Preset;
import io.avloc.testkit.TestTopics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /ready} follows the broker: 200 while connected, 503 once the broker is gone (Streams
 * stays RUNNING and a consumer keeps its assignment through an outage), 200 again after the broker
 * is restarted on the same port. Each test runs its own broker, since it stops it.
 */
class ReadyWithoutBrokerIT {

  private static final Duration CHANGE = Duration.ofSeconds(120);

  @TempDir Path tmp;

  @Test
  void serveIsNotReadyWhileTheBrokerIsDown() throws Exception {
    Path model = model();
    KafkaBroker broker = startBroker(KafkaBroker.freePort(), KafkaBroker.freePort());
    String prefix = TestTopics.unique("ready-serve");
    try (AvlocProcess serve =
        AvlocProcess.start(
            "serve",
            "--bootstrap",
            broker.bootstrapServers(),
            "--model",
            model.toString(),
            "--group",
            prefix + "-group",
            "--pairs-topic",
            prefix + ".pairs",
            "--heatmaps-topic",
            prefix + ".heatmaps",
            "--deadletter-topic",
            prefix + ".deadletter",
            "--http-port",
            "0")) {
      String running =
          serve.awaitStdout(l -> l.startsWith("avloc serve running"), Duration.ofSeconds(120));
      Matcher m = Pattern.compile("HTTP at (http://\\S+?:\\d+)").matcher(running);
      assertThat(m.find()).as(running).isTrue();
      assertReadyFollowsTheBroker(broker, m.group(1) + "/ready", serve);
    }
  }

  private void assertReadyFollowsTheBroker(KafkaBroker broker, String ready, AvlocProcess app)
      throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    awaitStatus(http, ready, 200, "once connected", app);
    broker.close();
    awaitStatus(http, ready, 503, "while no broker answers", app);
    KafkaBroker again = startBroker(broker.port(), broker.controllerPort());
    try {
      awaitStatus(http, ready, 200, "after the broker is back on the same port", app);
    } finally {
      again.close();
    }
  }

  /** Polls {@code url} until it answers {@code status}; fails with the app's output otherwise. */
  private static void awaitStatus(
      HttpClient http, String url, int status, String when, AvlocProcess app) throws Exception {
    long deadline = System.nanoTime() + CHANGE.toNanos();
    int last = -1;
    while (System.nanoTime() < deadline) {
      last =
          http.send(
                  HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                  HttpResponse.BodyHandlers.discarding())
              .statusCode();
      if (last == status) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError(
        url + " answered " + last + ", expected " + status + " " + when + "; " + app.transcript());
  }

  private KafkaBroker startBroker(int port, int controllerPort) {
    return KafkaBroker.builder()
        .port(port)
        .controllerPort(controllerPort)
        .dataDir(tmp.resolve("broker"))
        .build()
        .start();
  }

  private Path model() throws Exception {
    Path model = tmp.resolve("model");
    ModelExporter.exportUntrained(
        Preset.LITE, ModelExporter.Description.untrained("ready", "1", 1), 1, model);
    return model;
  }
}
