package io.avloc.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.avloc.broker.KafkaBroker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.server.config.ServerLogConfigs;
import org.junit.jupiter.api.Test;

/**
 * The test broker keeps records whose timestamps (the media's capture times) are years old: its
 * retention task must not delete a test's input or output while the test runs. Without {@link
 * KafkaBrokerExtension#KEEP_RECORDS_OF_ANY_AGE}, Kafka's default 7-day retention deleted the whole
 * backlog of the kill -9 exactly-once tests (capture times from 2023) the first time the task ran,
 * 30 s after the broker started.
 */
class OldRecordsRetentionIT {

  /** 2023-11-14, the capture-time base of the tests' media. */
  private static final long OLD_TIMESTAMP_MS = 1_700_000_000_000L;

  @Test
  void recordsWithYearsOldTimestampsSurviveTheBrokersRetentionTask() throws Exception {
    // The same broker setup as the shared one, with the retention task running at once and often,
    // so that the test waits on the task's progress rather than on its 30 s start delay.
    KafkaBroker.Builder builder =
        KafkaBroker.builder()
            .config(ServerLogConfigs.LOG_INITIAL_TASK_DELAY_MS_CONFIG, "0")
            .config(ServerLogConfigs.LOG_CLEANUP_INTERVAL_MS_CONFIG, "200");
    try (KafkaBrokerExtension.RunningBroker running =
        KafkaBrokerExtension.RunningBroker.start(builder)) {
      String bootstrap = running.broker.bootstrapServers();
      String media = TestTopics.unique("media");
      // A witness with a topic-level retention of 1 s: when its old records are gone, the
      // retention task has run over every topic of the broker.
      String witness = TestTopics.unique("witness");
      try (Admin admin =
          Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
        admin
            .createTopics(
                List.of(
                    new NewTopic(media, 1, (short) 1),
                    new NewTopic(witness, 1, (short) 1)
                        .configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, "1000"))))
            .all()
            .get();
        try (KafkaProducer<byte[], byte[]> p =
            new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new ByteArraySerializer(),
                new ByteArraySerializer())) {
          for (int i = 0; i < 20; i++) {
            p.send(new ProducerRecord<>(media, 0, OLD_TIMESTAMP_MS + i, null, new byte[8]));
            p.send(new ProducerRecord<>(witness, 0, OLD_TIMESTAMP_MS + i, null, new byte[8]));
          }
          p.flush();
        }
        TopicPartition witnessPart = new TopicPartition(witness, 0);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (logStart(admin, witnessPart) == 0 && System.nanoTime() < deadline) {
          Thread.onSpinWait();
        }
        assertThat(logStart(admin, witnessPart))
            .as("the retention task ran and deleted the witness's expired records")
            .isEqualTo(20);
        assertThat(logStart(admin, new TopicPartition(media, 0)))
            .as("a topic with the broker's default retention keeps its old records")
            .isZero();
      }
    }
  }

  private static long logStart(Admin admin, TopicPartition tp) throws Exception {
    return admin.listOffsets(Map.of(tp, OffsetSpec.earliest())).all().get().get(tp).offset();
  }
}
