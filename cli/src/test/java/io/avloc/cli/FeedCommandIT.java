package io.avloc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.avloc.broker.KafkaBroker;
import io.avloc.core.media.AudioChunk;
import io.avloc.core.media.GroundTruthHeaders;
import io.avloc.core.media.MediaValidator;
import io.avloc.core.media.VideoFrame;
import io.avloc.testkit.KafkaBrokerExtension;
import io.avloc.testkit.TestTopics;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.ShortBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Java2DFrameConverter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code avloc feed} against a real broker, run in-process. */
@ExtendWith(KafkaBrokerExtension.class)
class FeedCommandIT {

  private final CliRun cli = new CliRun();

  @TempDir Path tmp;

  private int run(String... args) {
    return cli.run(args);
  }

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
  void syntheticCamerasPublishTheirFramesAudioAndGroundTruth(KafkaBroker broker) {
    String frames = TestTopics.unique("cli-frames");
    String audio = TestTopics.unique("cli-audio");
    int code =
        run(
            "feed",
            "--synthetic",
            "--cameras",
            "2",
            "--duration",
            "2s",
            "--as-fast-as-possible",
            "--camera-id",
            "yard",
            "--seed",
            "9",
            "--bootstrap",
            broker.bootstrapServers(),
            "--frames-topic",
            frames,
            "--audio-topic",
            audio);
    assertThat(code).as(cli.err()).isZero();
    assertThat(cli.err()).contains("2 synthetic cameras (yard-1, yard-2)");
    assertThat(cli.out())
        .contains("feed done: 2 cameras")
        .contains("100 frames")
        .contains("40 audio chunks")
        .contains("140 acked")
        .contains("0 errors");

    MediaValidator validator = new MediaValidator();
    Map<String, Integer> framesPerCamera = new HashMap<>();
    for (ConsumerRecord<String, byte[]> r : readAll(broker, frames, 100)) {
      validator.frame(r.headers(), r.value());
      assertThat(GroundTruthHeaders.read(r.headers(), GroundTruthHeaders.Parsing.STRICT).present())
          .isTrue();
      framesPerCamera.merge(r.key(), 1, Integer::sum);
    }
    assertThat(framesPerCamera).containsOnly(Map.entry("yard-1", 50), Map.entry("yard-2", 50));
    Map<String, Integer> chunksPerCamera = new HashMap<>();
    for (ConsumerRecord<String, byte[]> r : readAll(broker, audio, 40)) {
      validator.audio(r.headers(), r.value());
      chunksPerCamera.merge(r.key(), 1, Integer::sum);
    }
    assertThat(chunksPerCamera).containsOnly(Map.entry("yard-1", 20), Map.entry("yard-2", 20));
  }

  @Test
  void aVideoFileIsPublished(KafkaBroker broker) throws Exception {
    Path mp4 = tmp.resolve("clip.mp4");
    writeMp4(mp4);
    String frames = TestTopics.unique("cli-vframes");
    String audio = TestTopics.unique("cli-vaudio");
    int code =
        run(
            "feed",
            "--video",
            mp4.toString(),
            "--as-fast-as-possible",
            "--bootstrap",
            broker.bootstrapServers(),
            "--frames-topic",
            frames,
            "--audio-topic",
            audio);
    assertThat(code).as(cli.err()).isZero();
    MediaValidator validator = new MediaValidator();
    List<ConsumerRecord<String, byte[]>> fr = readAll(broker, frames, 25);
    assertThat(fr).hasSize(25);
    long last = Long.MIN_VALUE;
    for (ConsumerRecord<String, byte[]> r : fr) {
      assertThat(r.key()).isEqualTo("cam-1");
      VideoFrame f = validator.frame(r.headers(), r.value());
      assertThat(f.tsUs()).isGreaterThan(last);
      last = f.tsUs();
    }
    List<ConsumerRecord<String, byte[]>> ar = readAll(broker, audio, 10);
    assertThat(ar).hasSizeBetween(10, 11);
    for (ConsumerRecord<String, byte[]> r : ar) {
      AudioChunk c = validator.audio(r.headers(), r.value());
      assertThat(c.sampleRate()).isEqualTo(16_000);
      assertThat(c.channels()).isEqualTo(1);
    }
  }

  @Test
  void anUndecodableVideoIsAOneLineFailure(KafkaBroker broker) throws Exception {
    Path junk = java.nio.file.Files.writeString(tmp.resolve("junk.mkv"), "not a video");
    int code = run("feed", "--video", junk.toString(), "--bootstrap", broker.bootstrapServers());
    assertThat(code).isEqualTo(1);
    assertThat(cli.err().strip())
        .startsWith("avloc feed: cannot open video file")
        .contains("junk.mkv");
    assertThat(cli.err().strip().lines()).hasSize(1);
  }

  /** One second of MPEG-4 video (25 fps, grey ramp) with a 440 Hz AAC tone. */
  private static void writeMp4(Path file) throws Exception {
    try (FFmpegFrameRecorder r = new FFmpegFrameRecorder(file.toFile(), 160, 120, 1);
        Java2DFrameConverter conv = new Java2DFrameConverter()) {
      r.setFormat("mp4");
      r.setVideoCodec(avcodec.AV_CODEC_ID_MPEG4);
      r.setFrameRate(25);
      r.setAudioCodec(avcodec.AV_CODEC_ID_AAC);
      r.setSampleRate(48_000);
      r.start();
      for (int k = 0; k < 25; k++) {
        BufferedImage img = new BufferedImage(160, 120, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = img.createGraphics();
        g.setColor(new Color(10 * k, 10 * k, 10 * k));
        g.fillRect(0, 0, 160, 120);
        g.dispose();
        r.record(conv.convert(img));
        short[] pcm = new short[1_920];
        for (int i = 0; i < pcm.length; i++) {
          pcm[i] = (short) (10_000 * Math.sin(2 * Math.PI * 440 * (k * 1_920 + i) / 48_000.0));
        }
        r.recordSamples(48_000, 1, ShortBuffer.wrap(pcm));
      }
      r.stop();
    }
  }
}
