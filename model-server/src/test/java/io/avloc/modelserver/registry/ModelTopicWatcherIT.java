package io.avloc.modelserver.registry;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import io.avloc.broker.KafkaBroker;
import io.avloc.modelserver.engine.EngineOptions;
import io.avloc.testkit.KafkaBrokerExtension;
import io.avloc.testkit.TestTopics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(KafkaBrokerExtension.class)
class ModelTopicWatcherIT {

  @TempDir Path tmp;

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out waiting until " + what);
      }
      Thread.sleep(50);
    }
  }

  private static void createCompacted(KafkaBroker broker, String topic) throws Exception {
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
      admin
          .createTopics(
              java.util.List.of(
                  new NewTopic(topic, 1, (short) 1).configs(Map.of("cleanup.policy", "compact"))))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
  }

  private static void announce(KafkaBroker broker, String topic, String key, String json)
      throws Exception {
    try (KafkaProducer<String, byte[]> p =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
            new StringSerializer(),
            new ByteArraySerializer())) {
      byte[] value = json == null ? null : json.getBytes(StandardCharsets.UTF_8);
      p.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void versionsAnnouncedOnTheCompactedTopicAreServedAndWithdrawnByATombstone(KafkaBroker broker)
      throws Exception {
    Engine.getEngine("OnnxRuntime");
    ModelVersions versions = ModelVersions.export("topic", tmp.resolve("base"));
    Path models = Files.createDirectories(tmp.resolve("models"));
    versions.publish(models, "1");
    Path elsewhere = Files.createDirectories(tmp.resolve("shared"));
    ModelVersions.publish(versions.base, elsewhere.resolve("fnac-7"), "7");
    String topic = TestTopics.unique("avloc.models");
    createCompacted(broker, topic);
    // Announced before the server starts: read from the beginning of the compacted topic.
    announce(
        broker,
        topic,
        "topic",
        "{\"version\": \"7\", \"path\": \"" + elsewhere.resolve("fnac-7") + "\"}");
    announce(broker, topic, "other-model", "{\"version\": \"99\", \"path\": \"/nowhere\"}");

    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    RegistryConfig config =
        RegistryConfig.of(models)
            .withEngineOptions(EngineOptions.DEFAULTS.withMaxBatch(2))
            .withSettleTime(Duration.ofMillis(100));
    try (ModelRegistry registry = ModelRegistry.open(config, meters);
        ModelTopicWatcher watcher =
            ModelTopicWatcher.start(
                registry,
                Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
                topic,
                "topic")) {
      await(
          "the announced version serves",
          () ->
              registry
                  .serving()
                  .map(ModelRegistry.Serving::modelId)
                  .equals(Optional.of("topic@7")));
      assertThat(registry.serving().orElseThrow().dir())
          .isEqualTo(elsewhere.resolve("fnac-7").toAbsolutePath());

      // A broken announcement is refused like a broken folder; version 7 keeps serving.
      announce(broker, topic, "topic", "{\"version\": \"8\", \"path\": \"missing-8\"}");
      await(
          "the missing folder is counted",
          () ->
              meters
                      .get(RegistryMeters.LOAD_FAILURES)
                      .tag("reason", "missing-file")
                      .counter()
                      .count()
                  == 1);
      Thread.sleep(1000); // time enough to (wrongly) fall back to the folder's version
      assertThat(registry.serving().orElseThrow().version()).isEqualTo("7");

      // The tombstone withdraws the announcement: back to the folder's newest version.
      announce(broker, topic, "topic", null);
      await(
          "the folder's version serves again",
          () -> registry.serving().map(ModelRegistry.Serving::version).equals(Optional.of("1")));
      assertThat(meters.get(RegistryMeters.SWAPS).tag("result", "success").counter().count())
          .isEqualTo(2);
    }
  }
}
