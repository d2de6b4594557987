package io.avloc.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.avloc.core.media.DeadLetters;
import io.avloc.core.pair.AvPair;
import io.avloc.core.pair.PairCodec;
import io.avloc.testkit.MediaRecords;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guards of ingest on the real topology (distributed mode, so the pairs show what the camera
 * would get): clock skew, keys that are not UTF-8, dead letters larger than their topic accepts.
 */
class IngestGuardsTest {

  private static final long T0 = 1_700_000_000_000_000L;
  private static final long HOUR_US = 3_600_000_000L;

  @TempDir Path tmp;

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private TopologyTestDriver driver;
  private StreamsSettings settings;
  private TestInputTopic<byte[], byte[]> frames;
  private TestInputTopic<byte[], byte[]> audio;

  private void start(Instant wallClock, Map<String, String> extra, Integer deadLetterBytes) {
    Map<String, String> s = new HashMap<>(extra);
    s.put("avloc.inference.mode", "distributed");
    s.put("avloc.sync.mode", "catch-up");
    s.put("avloc.state.dir", tmp.toString());
    settings = StreamsSettings.of(s);
    driver =
        new TopologyTestDriver(
            deadLetterBytes == null
                ? AvlocTopology.build(settings, null, registry)
                : AvlocTopology.build(settings, null, registry, deadLetterBytes),
            AvlocStreamsApp.streamsProperties(settings),
            wallClock);
    frames =
        driver.createInputTopic(
            settings.get("avloc.topic.frames"),
            new ByteArraySerializer(),
            new ByteArraySerializer());
    audio =
        driver.createInputTopic(
            settings.get("avloc.topic.audio"),
            new ByteArraySerializer(),
            new ByteArraySerializer());
  }

  /** Wall clock a little after the test data (T0 … T0 + 4 s), as for a live camera. */
  private void startLive() {
    start(Instant.ofEpochMilli(T0 / 1000 + 4_000), Map.of(), null);
  }

  @AfterEach
  void close() {
    if (driver != null) {
      driver.close();
    }
  }

  private static void pipe(TestInputTopic<byte[], byte[]> topic, ProducerRecord<byte[], byte[]> r) {
    topic.pipeInput(new TestRecord<>(r.key(), r.value(), r.headers(), r.timestamp()));
  }

  private void audioChunk(String camera, long tsUs) {
    long sample = (tsUs - T0) * 16 / 1000;
    pipe(audio, MediaRecords.audio("a", camera, tsUs, MediaRecords.tone(100, 440, sample)));
  }

  private void frame(String camera, long tsUs) {
    pipe(frames, MediaRecords.frame("f", camera, tsUs, MediaRecords.jpeg(32, 24, 1)));
  }

  /** 4 s of audio in 100 ms chunks, frames at 10 fps from 2.5 s to 3.5 s: 6 pairs at 5 Hz. */
  private void camera(String camera, Runnable afterFirstAudio, Runnable afterFirstFrame) {
    for (int c = 0; c < 40; c++) {
      audioChunk(camera, T0 + c * 100_000L);
      if (c == 0) {
        afterFirstAudio.run();
      }
    }
    for (int k = 25; k <= 35; k++) {
      frame(camera, T0 + k * 100_000L);
      if (k == 25) {
        afterFirstFrame.run();
      }
    }
    driver.advanceWallClockTime(Duration.ofMillis(100));
  }

  private List<AvPair> pairs() {
    return driver
        .createOutputTopic(
            settings.get("avloc.topic.pairs"),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer())
        .readRecordsToList()
        .stream()
        .map(r -> PairCodec.decode(r.key(), r.headers(), r.value(), 0))
        .toList();
  }

  private List<TestRecord<byte[], byte[]>> deadLetters() {
    return driver
        .createOutputTopic(
            settings.get("avloc.topic.deadletter"),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer())
        .readRecordsToList();
  }

  private static String header(TestRecord<byte[], byte[]> r, String key) {
    var h = r.headers().lastHeader(key);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  private double deadLettered(String reason, String topic) {
    var c = registry.find("avloc.deadletters").tags("reason", reason, "topic", topic).counter();
    return c == null ? 0 : c.count();
  }

  private static void assertNormal(List<AvPair> pairs, String camera) {
    assertThat(pairs).filteredOn(p -> p.camera().equals(camera)).hasSize(6);
    assertThat(pairs)
        .filteredOn(p -> p.camera().equals(camera))
        .allSatisfy(
            p -> {
              assertThat(p.partial()).as("partial at %d", p.frameTsUs()).isFalse();
              assertThat(p.frameTsUs()).isBetween(T0, T0 + 4_000_000L);
            });
  }

  @Test
  void aFrameAnHourAheadIsAClockSkewDeadLetterAndItsCameraKeepsItsHeatmaps() {
    startLive();
    camera("cam-a", () -> {}, () -> frame("cam-a", T0 + HOUR_US));
    camera("cam-b", () -> {}, () -> {});

    List<AvPair> pairs = pairs();
    List<TestRecord<byte[], byte[]>> dead = deadLetters();

    // Before the guard the hour-ahead frame became cam-a's last frame: every later one was dropped
    // as out of order, and cam-a got one pair (the bad frame's) instead of six.
    assertNormal(pairs, "cam-a");
    assertNormal(pairs, "cam-b");
    assertThat(dead).hasSize(1);
    TestRecord<byte[], byte[]> d = dead.get(0);
    assertThat(header(d, "error-reason")).isEqualTo("CLOCK_SKEW");
    assertThat(header(d, "error-stage")).isEqualTo("validate");
    assertThat(header(d, "source-topic")).isEqualTo(settings.get("avloc.topic.frames"));
    assertThat(header(d, "ts-us")).isEqualTo(Long.toString(T0 + HOUR_US));
    assertThat(header(d, "error"))
        .contains("ahead of the wall clock")
        .contains("cam-a")
        .contains("NTP");
    assertThat(new String(d.key(), StandardCharsets.UTF_8)).isEqualTo("cam-a");
    assertThat(deadLettered("CLOCK_SKEW", settings.get("avloc.topic.frames"))).isEqualTo(1.0);
  }

  @Test
  void anAudioChunkAnHourAheadIsAClockSkewDeadLetterAndLaterHeatmapsAreNotPartial() {
    startLive();
    camera("cam-a", () -> audioChunk("cam-a", T0 + HOUR_US), () -> {});

    List<AvPair> pairs = pairs();
    List<TestRecord<byte[], byte[]>> dead = deadLetters();

    // Before the guard the chunk moved cam-a's clock an hour ahead: all later audio was late and
    // every pair partial (silence).
    assertNormal(pairs, "cam-a");
    assertThat(dead).hasSize(1);
    assertThat(header(dead.get(0), "error-reason")).isEqualTo("CLOCK_SKEW");
    assertThat(header(dead.get(0), "source-topic")).isEqualTo(settings.get("avloc.topic.audio"));
    assertThat(deadLettered("CLOCK_SKEW", settings.get("avloc.topic.audio"))).isEqualTo(1.0);
  }

  @Test
  void aJumpAheadOfTheCamerasOwnClockIsCaughtWhereTheWallClockCannotTell() {
    // A replay of old recordings: the wall clock is a year later than the data.
    start(Instant.ofEpochMilli(T0 / 1000 + 365L * 24 * 3_600_000), Map.of(), null);
    camera("cam-a", () -> {}, () -> frame("cam-a", T0 + HOUR_US));

    List<TestRecord<byte[], byte[]>> dead = deadLetters();

    assertNormal(pairs(), "cam-a");
    assertThat(dead).hasSize(1);
    assertThat(header(dead.get(0), "error-reason")).isEqualTo("CLOCK_SKEW");
    assertThat(header(dead.get(0), "error")).contains("ahead of camera 'cam-a''s clock");
  }

  @Test
  void aCameraWhoseClockReallyJumpsAheadIsFollowedAfterTheTolerance() {
    start(
        Instant.ofEpochMilli(T0 / 1000 + 365L * 24 * 3_600_000),
        Map.of(StreamsSettings.CLOCK_SKEW_MS_CONFIG, "2000"),
        null);
    camera("cam-a", () -> {}, () -> {});
    pairs();
    // The camera's clock is corrected an hour forward; it keeps sending 6 s of media on the new
    // time, audio and frames interleaved as a camera sends them.
    long jump = T0 + HOUR_US;
    for (int c = 0; c < 60; c++) {
      audioChunk("cam-a", jump + c * 100_000L);
      frame("cam-a", jump + c * 100_000L + 50_000L);
    }
    audioChunk("cam-a", jump + 6_000_000L);
    driver.advanceWallClockTime(Duration.ofMillis(100));

    List<AvPair> after = pairs();
    List<TestRecord<byte[], byte[]>> dead = deadLetters();

    // The first 2 s (the tolerance) of the new time are refused, then the camera is followed.
    assertThat(dead)
        .isNotEmpty()
        .allSatisfy(d -> assertThat(header(d, "error-reason")).isEqualTo("CLOCK_SKEW"))
        .allSatisfy(
            d -> assertThat(Long.parseLong(header(d, "ts-us"))).isLessThan(jump + 2_100_000L));
    assertThat(after).isNotEmpty();
    assertThat(after).allSatisfy(p -> assertThat(p.frameTsUs()).isGreaterThan(jump));
    // Windows wholly after the refused audio are complete.
    assertThat(after)
        .filteredOn(p -> p.audioStartUs() >= jump + 2_100_000L)
        .isNotEmpty()
        .allSatisfy(p -> assertThat(p.partial()).isFalse());
  }

  @Test
  void aKeyThatIsNotUtf8IsADeadLetterInsteadOfACameraNamedAfterReplacementCharacters() {
    startLive();
    ProducerRecord<byte[], byte[]> bad =
        MediaRecords.frame("f", "x", T0 + 2_600_000L, MediaRecords.jpeg(32, 24, 1));
    byte[] key = {(byte) 0xff, (byte) 0xfe, 'c', 'a', 'm'};
    camera(
        "cam-a",
        () -> {},
        () ->
            pipe(
                frames,
                new ProducerRecord<>("f", null, bad.timestamp(), key, bad.value(), bad.headers())));

    List<AvPair> pairs = pairs();
    List<TestRecord<byte[], byte[]>> dead = deadLetters();

    assertThat(pairs).extracting(AvPair::camera).containsOnly("cam-a");
    assertNormal(pairs, "cam-a");
    assertThat(dead).hasSize(1);
    assertThat(dead.get(0).key()).isEqualTo(key);
    assertThat(header(dead.get(0), "error-reason")).isEqualTo("BAD_KEY");
    assertThat(header(dead.get(0), "error")).contains("not valid UTF-8").contains("ff fe 63");
    assertThat(deadLettered("BAD_KEY", settings.get("avloc.topic.frames"))).isEqualTo(1.0);
  }

  @Test
  void theDeadLetterOfTheLargestAcceptedFrameIsWholeAndOneOverTheTopicsLimitIsTruncated() {
    int limit = 200_000;
    byte[] undecodable = new byte[limit];
    undecodable[0] = (byte) 0xff;
    undecodable[1] = (byte) 0xd8;
    for (int i = 2; i < undecodable.length; i++) {
      undecodable[i] = (byte) (i * 7);
    }
    // The topic accepts less than the largest dead letter, as a topic created with the broker's
    // default would.
    start(
        Instant.ofEpochMilli(T0 / 1000 + 4_000),
        Map.of(StreamsSettings.RECORD_BYTES_CONFIG, Integer.toString(limit)),
        150_000);
    camera("cam-a", () -> {}, () -> frame("cam-a", T0));
    pipe(frames, MediaRecords.frame("f", "cam-a", T0 + 3_550_000L, undecodable));

    List<TestRecord<byte[], byte[]>> dead = deadLetters();

    assertNormal(pairs(), "cam-a");
    assertThat(dead).hasSize(1);
    TestRecord<byte[], byte[]> d = dead.get(0);
    assertThat(header(d, "error-reason")).isNotBlank();
    assertThat(header(d, DeadLetters.PAYLOAD_TRUNCATED)).isEqualTo(Integer.toString(limit));
    assertThat(header(d, DeadLetters.PAYLOAD_SHA256)).hasSize(64);
    assertThat(header(d, "ts-us")).isEqualTo(Long.toString(T0 + 3_550_000L));
    assertThat(DeadLetters.sizeUpperBound(d.key(), d.value(), d.headers()))
        .isLessThanOrEqualTo(150_000);
  }

  @Test
  void withTheDerivedLimitsTheDeadLetterOfTheLargestAcceptedFrameIsWhole() {
    int limit = 200_000;
    byte[] undecodable = new byte[limit];
    undecodable[0] = (byte) 0xff;
    undecodable[1] = (byte) 0xd8;
    start(
        Instant.ofEpochMilli(T0 / 1000 + 4_000),
        Map.of(StreamsSettings.RECORD_BYTES_CONFIG, Integer.toString(limit)),
        null);
    pipe(frames, MediaRecords.frame("f", "cam-a", T0, undecodable));
    byte[] tooLarge = new byte[limit + 1];
    pipe(frames, MediaRecords.frame("f", "cam-a", T0, tooLarge));

    List<TestRecord<byte[], byte[]>> dead = deadLetters();

    assertThat(dead).hasSize(2);
    assertThat(dead.get(0).value()).isEqualTo(undecodable);
    assertThat(dead.get(0).headers().lastHeader(DeadLetters.PAYLOAD_TRUNCATED)).isNull();
    assertThat(header(dead.get(1), "error-reason")).isEqualTo("PAYLOAD_TOO_LARGE");
    assertThat(AvlocStreamsApp.streamsProperties(settings).get("producer.max.request.size"))
        .isEqualTo(settings.recordLimits().pairRecordBytes());
  }
}
