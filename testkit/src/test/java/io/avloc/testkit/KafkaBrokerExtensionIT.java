package io.avloc.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.avloc.broker.KafkaBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KafkaBrokerExtension.class)
class KafkaBrokerExtensionIT {

  @Test
  void aRecordWithHeadersTravelsThroughTheRealBroker(KafkaBroker broker) throws Exception {
    String topic = TestTopics.unique("frames");
    TestTopics.create(broker, 2, topic);

    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
            new StringSerializer(),
            new ByteArraySerializer())) {
      ProducerRecord<String, byte[]> record =
          new ProducerRecord<>(topic, "cam-1", new byte[] {1, 2, 3});
      record.headers().add("ts-us", "1700000000000000".getBytes(StandardCharsets.UTF_8));
      record.headers().add("format", "jpeg".getBytes(StandardCharsets.UTF_8));
      producer.send(record).get();
    }

    List<ConsumerRecord<String, byte[]>> received = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, TestTopics.unique("g"),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
            new StringDeserializer(),
            new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (received.isEmpty() && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(received::add);
      }
    }

    assertThat(received).hasSize(1);
    ConsumerRecord<String, byte[]> r = received.get(0);
    assertThat(r.key()).isEqualTo("cam-1");
    assertThat(r.value()).containsExactly(1, 2, 3);
    assertThat(new String(r.headers().lastHeader("ts-us").value(), StandardCharsets.UTF_8))
        .isEqualTo("1700000000000000");
    assertThat(new String(r.headers().lastHeader("format").value(), StandardCharsets.UTF_8))
        .isEqualTo("jpeg");
  }

  @Test
  void everyTestInTheJvmSharesOneBroker(KafkaBroker first, KafkaBroker second) {
    assertThat(first).isSameAs(second);
    assertThat(first.bootstrapServers()).startsWith("127.0.0.1:");
  }
}
