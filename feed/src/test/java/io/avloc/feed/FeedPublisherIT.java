package io.avloc.feed;

import static org.assertj.core.api.Assertions.assertThat;

import io.avloc.broker.KafkaBroker;
import io.avloc.core.media.AudioChunk;
import io.avloc.core.media.GroundTruthHeaders;
import io.avloc.core.media.GroundTruthLabel;
import io.avloc.core.media.MediaValidator;
import io.avloc.core.media.VideoFrame;
import io.avloc.testkit.KafkaBrokerExtension;
import io.avloc.testkit.TestTopics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Publishes to a real broker and reads everything back. */
@ExtendWith(KafkaBrokerExtension.class)
class FeedPublisherIT {

  @TempDir Path tmp;

  /** Reads the topic from the start until {@code expected} records arrived or 60 s passed. */
  static List<ConsumerRecord<String, byte[]>> readAll(
      KafkaBroker broker, String topic, int expected) {
    return TestTopics.readAll(
        broker,
        topic,
        new StringDeserializer(),
        new ByteArrayDeserializer(),
        expected,
        Duration.ofSeconds(60),
        Duration.ofMillis(500));
  }

  @Test
  void twoSyntheticCamerasPublishThreeSecondsAsFastAsPossible(KafkaBroker broker) throws Exception {
    String frames = TestTopics.unique("frames");
    String audio = TestTopics.unique("audio");
    TestTopics.create(broker, 2, frames, audio);

    FeedPublisher p =
        SyntheticCameras.builder()
            .cameras(2)
            .seed(3)
            .feed(FeedSettings.defaults().withDuration(Duration.ofSeconds(3)))
            .publish(FeedPublisher.Settings.defaults().withTopics(frames, audio))
            .realTime(false)
            .start(Map.of("bootstrap.servers", broker.bootstrapServers()));
    assertThat(p.await(Duration.ofMinutes(3))).isTrue();
    p.close();
    assertThat(p.stats().errors()).as(p.stats().summary()).isZero();
    assertThat(p.stats().acked()).isEqualTo(2 * (75 + 30));

    List<ConsumerRecord<String, byte[]>> frameRecords = readAll(broker, frames, 150);
    List<ConsumerRecord<String, byte[]>> audioRecords = readAll(broker, audio, 60);
    assertThat(frameRecords).hasSize(150);
    assertThat(audioRecords).hasSize(60);

    MediaValidator validator = new MediaValidator();
    Map<String, List<VideoFrame>> byCamFrames = new HashMap<>();
    Map<String, List<AudioChunk>> byCamAudio = new HashMap<>();
    Map<String, Integer> partitionOf = new HashMap<>();
    int onscreen = 0;
    for (ConsumerRecord<String, byte[]> r : frameRecords) {
      VideoFrame f = validator.frame(r.headers(), r.value());
      assertThat(r.timestamp()).isEqualTo(f.tsUs() / 1000);
      GroundTruthLabel truth =
          GroundTruthHeaders.read(r.headers(), GroundTruthHeaders.Parsing.STRICT);
      assertThat(truth.present()).isTrue();
      onscreen += truth.isOnscreen() ? 1 : 0;
      byCamFrames.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(f);
      partitionOf.put("f" + r.key(), r.partition());
    }
    for (ConsumerRecord<String, byte[]> r : audioRecords) {
      AudioChunk c = validator.audio(r.headers(), r.value());
      assertThat(r.timestamp()).isEqualTo(c.tsUs() / 1000);
      byCamAudio.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(c);
      partitionOf.put("a" + r.key(), r.partition());
    }
    assertThat(onscreen).isPositive();
    assertThat(byCamFrames.keySet()).containsExactlyInAnyOrder("cam-1", "cam-2");
    assertThat(byCamAudio.keySet()).containsExactlyInAnyOrder("cam-1", "cam-2");
    for (String cam : List.of("cam-1", "cam-2")) {
      // co-partitioned: a camera's frames and audio land on the same partition number
      assertThat(partitionOf.get("f" + cam)).isEqualTo(partitionOf.get("a" + cam));
      List<VideoFrame> fs = byCamFrames.get(cam);
      List<AudioChunk> cs = byCamAudio.get(cam);
      assertThat(fs).hasSize(75);
      assertThat(cs).hasSize(30);
      for (int i = 1; i < fs.size(); i++) {
        assertThat(fs.get(i).tsUs()).isEqualTo(fs.get(i - 1).tsUs() + 40_000);
      }
      for (int i = 1; i < cs.size(); i++) {
        assertThat(cs.get(i).tsUs()).isEqualTo(cs.get(i - 1).endUs());
      }
      // the audio covers the frames' time span
      assertThat(cs.get(0).tsUs()).isLessThanOrEqualTo(fs.get(0).tsUs());
      assertThat(cs.get(cs.size() - 1).endUs()).isGreaterThan(fs.get(fs.size() - 1).tsUs());
    }
  }

  @Test
  void aVideoFileIsPublishedWithItsFramesAndSound(KafkaBroker broker) throws Exception {
    Path mp4 = TestMedia.mp4(tmp.resolve("clip.mp4"), 25, 2.0, true);
    String frames = TestTopics.unique("vframes");
    String audio = TestTopics.unique("vaudio");
    TestTopics.create(broker, 1, frames, audio);

    long start = SyntheticCameras.nowUs();
    VideoCamera cam =
        VideoCamera.openFile("door-1", start, mp4, FeedSettings.defaults().withFps(0));
    FeedPublisher p =
        FeedPublisher.start(
            Map.of("bootstrap.servers", broker.bootstrapServers()),
            FeedPublisher.Settings.defaults().withTopics(frames, audio).withRealTime(false),
            List.of(cam));
    assertThat(p.await(Duration.ofMinutes(2))).isTrue();
    p.close();
    assertThat(p.stats().errors()).as(p.stats().summary()).isZero();

    MediaValidator validator = new MediaValidator();
    List<ConsumerRecord<String, byte[]>> fr = readAll(broker, frames, 50);
    List<ConsumerRecord<String, byte[]>> ar = readAll(broker, audio, (int) p.chunksSent());
    assertThat(fr).hasSize(50);
    assertThat(ar).hasSizeBetween(20, 21);
    long last = Long.MIN_VALUE;
    for (ConsumerRecord<String, byte[]> r : fr) {
      assertThat(r.key()).isEqualTo("door-1");
      VideoFrame f = validator.frame(r.headers(), r.value());
      assertThat(f.tsUs()).isGreaterThan(last);
      last = f.tsUs();
      assertThat(r.headers().lastHeader(GroundTruthHeaders.ONSCREEN)).isNull();
    }
    for (ConsumerRecord<String, byte[]> r : ar) {
      AudioChunk c = validator.audio(r.headers(), r.value());
      assertThat(c.sampleRate()).isEqualTo(16_000);
    }
  }
}
