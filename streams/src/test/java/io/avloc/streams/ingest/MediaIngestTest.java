package io.avloc.streams.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.avloc.core.media.AudioChunk;
import io.avloc.core.media.MediaValidator;
import io.avloc.core.media.VideoFrame;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import javax.imageio.ImageIO;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MediaIngestTest {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<Record<Object, Object>> valid = new ArrayList<>();
  private TopologyTestDriver driver;

  @BeforeEach
  void topology() {
    Topology t = new Topology();
    t.addSource("frames", new ByteArrayDeserializer(), new ByteArrayDeserializer(), "avloc.frames");
    t.addSource("audio", new ByteArrayDeserializer(), new ByteArrayDeserializer(), "avloc.audio");
    MediaValidator v = new MediaValidator();
    t.addProcessor(
        "validate-frames",
        () ->
            new MediaIngest<VideoFrame>(
                v, MediaValidator::frame, "avloc.frames", "collect", "deadletter", registry),
        "frames");
    t.addProcessor(
        "validate-audio",
        () ->
            new MediaIngest<AudioChunk>(
                v, MediaValidator::audio, "avloc.audio", "collect", "deadletter", registry),
        "audio");
    t.addProcessor(
        "collect",
        () -> (Processor<Object, Object, Void, Void>) valid::add,
        "validate-frames",
        "validate-audio");
    t.addSink(
        "deadletter",
        "avloc.deadletter",
        new ByteArraySerializer(),
        new ByteArraySerializer(),
        "validate-frames",
        "validate-audio");
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "ingest-test");
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "dummy:9092");
    driver = new TopologyTestDriver(t, p);
  }

  @AfterEach
  void close() {
    driver.close();
  }

  private static Headers headers(String... kv) {
    RecordHeaders h = new RecordHeaders();
    for (int i = 0; i < kv.length; i += 2) {
      h.add(kv[i], kv[i + 1].getBytes(StandardCharsets.UTF_8));
    }
    return h;
  }

  private static byte[] jpeg() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB), "jpeg", out);
    return out.toByteArray();
  }

  private void pipe(String topic, String key, byte[] value, Headers headers) {
    driver
        .createInputTopic(topic, new ByteArraySerializer(), new ByteArraySerializer())
        .pipeInput(
            new TestRecord<>(
                key == null ? null : key.getBytes(StandardCharsets.UTF_8), value, headers, 1000L));
  }

  private List<TestRecord<byte[], byte[]>> deadLetters() {
    return driver
        .createOutputTopic(
            "avloc.deadletter", new ByteArrayDeserializer(), new ByteArrayDeserializer())
        .readRecordsToList();
  }

  private static String header(TestRecord<?, ?> r, String key) {
    return new String(r.headers().lastHeader(key).value(), StandardCharsets.UTF_8);
  }

  @Test
  void validRecordsReachTheSynchronizerKeyedByCamera() throws Exception {
    pipe("avloc.frames", "cam-1", jpeg(), headers("ts-us", "5", "format", "jpeg"));
    pipe(
        "avloc.audio",
        "cam-1",
        new byte[320],
        headers("ts-us", "5", "format", "pcm_s16le", "sample-rate", "16000", "channels", "1"));

    assertThat(valid).hasSize(2);
    assertThat(valid.get(0).key()).isEqualTo("cam-1");
    assertThat(valid.get(0).value()).isInstanceOf(VideoFrame.class);
    assertThat(valid.get(1).value()).isInstanceOf(AudioChunk.class);
    assertThat(deadLetters()).isEmpty();
  }

  @Test
  void aBadRecordGoesToTheDeadLetterTopicUnchangedWithTheReasonAndGoodOnesKeepFlowing()
      throws Exception {
    byte[] garbage = {1, 2, 3, 4};
    pipe("avloc.frames", "cam-1", garbage, headers("ts-us", "5", "format", "jpeg", "trace", "t-1"));
    pipe("avloc.frames", "cam-1", jpeg(), headers("ts-us", "6", "format", "jpeg"));

    List<TestRecord<byte[], byte[]>> dead = deadLetters();
    assertThat(dead).hasSize(1);
    TestRecord<byte[], byte[]> d = dead.get(0);
    assertThat(new String(d.key(), StandardCharsets.UTF_8)).isEqualTo("cam-1");
    assertThat(d.value()).containsExactly(garbage);
    assertThat(header(d, "trace")).as("original headers kept").isEqualTo("t-1");
    assertThat(header(d, "error")).contains("neither the JPEG nor the PNG signature");
    assertThat(header(d, "error-reason")).isEqualTo("UNDECODABLE_IMAGE");
    assertThat(header(d, "error-stage")).isEqualTo("validate");
    assertThat(header(d, "source-topic")).isEqualTo("avloc.frames");
    assertThat(valid).hasSize(1);
    assertThat(
            registry
                .get("avloc.deadletters")
                .tags("reason", "UNDECODABLE_IMAGE", "topic", "avloc.frames")
                .counter()
                .count())
        .isEqualTo(1);
  }

  @Test
  void everyKindOfBadAudioIsDeadLetteredWithItsReason() {
    pipe(
        "avloc.audio",
        "cam",
        new byte[3],
        headers("ts-us", "1", "format", "pcm_s16le", "sample-rate", "16000", "channels", "1"));
    pipe(
        "avloc.audio",
        "cam",
        new byte[4],
        headers("ts-us", "x", "format", "pcm_s16le", "sample-rate", "16000", "channels", "1"));
    pipe(
        "avloc.audio",
        "cam",
        new byte[4],
        headers("ts-us", "1", "format", "pcm_s16le", "sample-rate", "1000", "channels", "1"));
    pipe(
        "avloc.audio",
        "cam",
        new byte[4],
        headers("ts-us", "1", "format", "mp3", "sample-rate", "16000", "channels", "1"));

    assertThat(deadLetters())
        .extracting(r -> header(r, "error-reason"))
        .containsExactly("ODD_PCM_LENGTH", "BAD_TIMESTAMP", "BAD_SAMPLE_RATE", "UNKNOWN_FORMAT");
    assertThat(valid).isEmpty();
  }

  @Test
  void aRecordWithoutACameraKeyIsDeadLettered() throws Exception {
    pipe("avloc.frames", null, jpeg(), headers("ts-us", "5", "format", "jpeg"));
    List<TestRecord<byte[], byte[]>> dead = deadLetters();
    assertThat(dead).hasSize(1);
    assertThat(dead.get(0).key()).isNull();
    assertThat(header(dead.get(0), "error-reason")).isEqualTo("MISSING_KEY");
    assertThat(header(dead.get(0), "error")).contains("camera id");
  }
}
