package io.avloc.feed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.avloc.core.media.AudioChunk;
import io.avloc.core.media.GroundTruthHeaders;
import io.avloc.core.media.MediaValidator;
import io.avloc.core.media.VideoFrame;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class FeedPublisherTest {

  private static final FeedPublisher.Settings FAST =
      FeedPublisher.Settings.defaults().withTopics("f", "a").withRealTime(false);

  private static MockProducer<String, byte[]> producer(boolean autoComplete) {
    return new MockProducer<>(
        autoComplete, null, new StringSerializer(), new ByteArraySerializer());
  }

  private static List<SyntheticCamera> cameras(int n, Duration d) {
    return SyntheticCameras.builder()
        .cameras(n)
        .seed(5)
        .feed(FeedSettings.defaults().withDuration(d))
        .build();
  }

  @Test
  void publishesEveryItemWithTheContractsHeadersKeysAndTimestamps() throws Exception {
    MockProducer<String, byte[]> mock = producer(true);
    FeedPublisher p = FeedPublisher.start(mock, FAST, cameras(2, Duration.ofSeconds(2)));
    assertThat(p.await(Duration.ofMinutes(2))).isTrue();
    p.close();

    MediaValidator validator = new MediaValidator();
    Map<String, List<Long>> frameTs = new HashMap<>();
    Map<String, List<Long>> audioTs = new HashMap<>();
    for (ProducerRecord<String, byte[]> r : mock.history()) {
      long ts;
      if (r.topic().equals("f")) {
        VideoFrame f = validator.frame(r.headers(), r.value());
        ts = f.tsUs();
        frameTs.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(ts);
        assertThat(
                GroundTruthHeaders.read(r.headers(), GroundTruthHeaders.Parsing.STRICT).present())
            .isTrue();
        assertThat(header(r, "format")).isEqualTo("jpeg");
      } else {
        assertThat(r.topic()).isEqualTo("a");
        AudioChunk c = validator.audio(r.headers(), r.value());
        ts = c.tsUs();
        audioTs.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(ts);
        assertThat(header(r, "format")).isEqualTo("pcm_s16le");
        assertThat(header(r, "sample-rate")).isEqualTo("16000");
        assertThat(header(r, "channels")).isEqualTo("1");
      }
      assertThat(r.timestamp()).isEqualTo(ts / 1000);
    }
    assertThat(frameTs.keySet()).containsExactlyInAnyOrder("cam-1", "cam-2");
    assertThat(audioTs.keySet()).containsExactlyInAnyOrder("cam-1", "cam-2");
    for (String cam : List.of("cam-1", "cam-2")) {
      assertThat(frameTs.get(cam)).hasSize(50).isSorted().doesNotHaveDuplicates();
      assertThat(audioTs.get(cam)).hasSize(20).isSorted().doesNotHaveDuplicates();
    }
    FeedStats s = p.stats();
    assertThat(s.frames()).isEqualTo(100);
    assertThat(s.chunks()).isEqualTo(40);
    assertThat(s.acked()).isEqualTo(140);
    assertThat(s.errors()).isZero();
    assertThat(s.running()).isZero();
    assertThat(s.summary()).contains("2 cameras").contains("100 frames").contains("0 errors");
    assertThat(mock.closed()).isTrue();
  }

  @Test
  void brokerErrorsAreCountedAndTheFirstIsKept() throws Exception {
    MockProducer<String, byte[]> mock = producer(false);
    FeedPublisher p = FeedPublisher.start(mock, FAST, cameras(1, Duration.ofMillis(400)));
    assertThat(waitForThreads(p)).isTrue();
    int sent = mock.history().size();
    assertThat(sent).isEqualTo(10 + 4);
    mock.errorNext(new IllegalStateException("disk full"));
    mock.errorNext(new IllegalStateException("disk still full"));
    while (mock.completeNext()) {
      // acknowledge the rest
    }
    p.close();
    FeedStats s = p.stats();
    assertThat(s.errors()).isEqualTo(2);
    assertThat(s.acked()).isEqualTo(sent - 2);
    assertThat(s.firstError()).contains("cam-1").contains("disk full");
  }

  @Test
  void aRecordTheProducerGaveUpOnStopsEveryCameraWithAnError() throws Exception {
    MockProducer<String, byte[]> mock = producer(false);
    // Real time, endless: only the lost record can end these cameras.
    FeedPublisher p =
        FeedPublisher.start(
            mock,
            FeedPublisher.Settings.defaults().withTopics("f", "a"),
            SyntheticCameras.builder().cameras(2).seed(5).build());
    while (mock.history().isEmpty()) {
      Thread.sleep(10);
    }
    mock.errorNext(
        new org.apache.kafka.common.errors.TimeoutException(
            "Expiring 1 record(s) for f-0: 120000 ms has passed since batch creation"));
    assertThat(p.await(Duration.ofMinutes(1))).as("the cameras stopped").isTrue();
    p.close();
    assertThat(p.failures())
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .contains("send failed: Expiring 1 record(s)")
        .contains("records were lost, so the feed stopped")
        .contains("delivery.timeout.ms");
    assertThat(p.errors()).isGreaterThanOrEqualTo(1);
  }

  @Test
  void aFailingCameraIsReportedAndTheOthersGoOn() throws Exception {
    MockProducer<String, byte[]> mock = producer(true);
    CameraFeed broken =
        new CameraFeed() {
          @Override
          public String cameraId() {
            return "bad";
          }

          @Override
          public long startUs() {
            return 0;
          }

          @Override
          public FeedItem next() {
            throw new FeedException("cannot decode video x.mp4: invalid data");
          }

          @Override
          public void close() {}
        };
    List<CameraFeed> feeds = new ArrayList<>(cameras(1, Duration.ofMillis(400)));
    feeds.add(broken);
    FeedPublisher p = FeedPublisher.start(mock, FAST, feeds);
    assertThat(p.await(Duration.ofMinutes(1))).isTrue();
    p.close();
    assertThat(p.failures()).containsExactly("camera bad: cannot decode video x.mp4: invalid data");
    assertThat(p.errors()).isEqualTo(1);
    assertThat(p.framesSent()).isEqualTo(10);
    assertThat(p.chunksSent()).isEqualTo(4);
  }

  @Test
  void closeStopsEndlessCamerasAndFlushes() throws Exception {
    MockProducer<String, byte[]> mock = producer(true);
    FeedPublisher p =
        FeedPublisher.start(
            mock, FeedPublisher.Settings.defaults(), SyntheticCameras.builder().cameras(2).build());
    assertThat(p.isDone()).isFalse();
    p.close();
    assertThat(p.isDone()).isTrue();
    assertThat(mock.closed()).isTrue();
    assertThat(mock.flushed()).isTrue();
    long sent = p.framesSent() + p.chunksSent();
    assertThat((long) mock.history().size()).isEqualTo(sent);
    p.close(); // idempotent
  }

  /** Real-time pacing never sends an item before a real camera would have it. */
  @Test
  void realTimeSendsNoItemBeforeItsTime() throws Exception {
    List<long[]> sends = Collections.synchronizedList(new ArrayList<>());
    MockProducer<String, byte[]> mock =
        new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer()) {
          @Override
          public synchronized Future<RecordMetadata> send(
              ProducerRecord<String, byte[]> r, Callback callback) {
            long ts = Long.parseLong(header(r, "ts-us"));
            long available = r.topic().equals("a") ? ts + 100_000 : ts;
            sends.add(new long[] {nowUs(), available});
            return super.send(r, callback);
          }
        };
    FeedPublisher p =
        FeedPublisher.start(
            mock,
            FeedPublisher.Settings.defaults().withTopics("f", "a"),
            cameras(1, Duration.ofMillis(500)));
    assertThat(p.await(Duration.ofMinutes(1))).isTrue();
    p.close();
    assertThat(sends).hasSize(13 + 5);
    for (long[] s : sends) {
      // 2 ms of slack for the two clocks (publisher: nanoTime since start; here: Instant)
      assertThat(s[0]).isGreaterThanOrEqualTo(s[1] - 2_000);
    }
  }

  @Test
  void refusesAnEmptyCameraListAndAConfigWithoutBootstrap() {
    assertThatThrownBy(() -> FeedPublisher.start(producer(true), FAST, List.of()))
        .isInstanceOf(FeedException.class)
        .hasMessageContaining("no cameras");
    assertThatThrownBy(
            () ->
                FeedPublisher.start(Map.of("acks", "all"), FAST, cameras(1, Duration.ofSeconds(1))))
        .isInstanceOf(FeedException.class)
        .hasMessageContaining("bootstrap.servers");
  }

  @Test
  void theProducerIsIdempotentAndLingersBriefly() {
    Map<String, Object> c = FeedPublisher.producerConfig("h:1", Map.of("linger.ms", 2));
    assertThat(c)
        .containsEntry("bootstrap.servers", "h:1")
        .containsEntry("enable.idempotence", true)
        .containsEntry("acks", "all")
        .containsEntry("linger.ms", 2);
  }

  private static boolean waitForThreads(FeedPublisher p) throws InterruptedException {
    for (int i = 0; i < 6000 && !p.isDone(); i++) {
      Thread.sleep(10);
    }
    return p.isDone();
  }

  static String header(ProducerRecord<String, byte[]> r, String key) {
    return new String(r.headers().lastHeader(key).value(), StandardCharsets.UTF_8);
  }

  static long nowUs() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
  }
}
