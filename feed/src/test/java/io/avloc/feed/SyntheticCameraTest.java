package io.avloc.feed;

import static org.assertj.core.api.Assertions.assertThat;

import io.avloc.core.image.RgbImage;
import io.avloc.core.media.AudioChunk;
import io.avloc.core.media.GroundTruthHeaders;
import io.avloc.core.media.GroundTruthLabel;
import io.avloc.core.media.ImageFormat;
import io.avloc.core.media.MediaValidator;
import io.avloc.core.media.VideoFrame;
import io.avloc.core.serde.MediaSerdes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class SyntheticCameraTest {

  private static final long START = 1_700_000_000_000_000L;

  static List<FeedItem> drain(CameraFeed feed) {
    List<FeedItem> items = new ArrayList<>();
    for (FeedItem i = feed.next(); i != null; i = feed.next()) {
      items.add(i);
    }
    return items;
  }

  static List<VideoFrame> frames(List<FeedItem> items) {
    return items.stream()
        .filter(i -> i instanceof FeedItem.Frame)
        .map(i -> ((FeedItem.Frame) i).frame())
        .toList();
  }

  static List<AudioChunk> chunks(List<FeedItem> items) {
    return items.stream()
        .filter(i -> i instanceof FeedItem.Audio)
        .map(i -> ((FeedItem.Audio) i).chunk())
        .toList();
  }

  private static SyntheticCamera camera(FeedSettings settings, long seed) {
    return SyntheticCameras.builder().seed(seed).feed(settings).startUs(START).build().get(0);
  }

  @Test
  void framesComeEveryOneOverFpsAndAudioChunksAreContiguous() {
    FeedSettings settings = FeedSettings.defaults().withDuration(Duration.ofSeconds(3));
    List<FeedItem> items;
    try (SyntheticCamera cam = camera(settings, 1)) {
      assertThat(cam.cameraId()).isEqualTo("cam-1");
      items = drain(cam);
    }
    List<VideoFrame> frames = frames(items);
    List<AudioChunk> chunks = chunks(items);
    assertThat(frames).hasSize(75);
    assertThat(chunks).hasSize(30);
    for (int k = 0; k < frames.size(); k++) {
      assertThat(frames.get(k).tsUs()).isEqualTo(START + k * 40_000L);
      assertThat(frames.get(k).format()).isEqualTo(ImageFormat.JPEG);
    }
    for (int k = 0; k < chunks.size(); k++) {
      AudioChunk c = chunks.get(k);
      assertThat(c.tsUs()).isEqualTo(START + k * 100_000L);
      assertThat(c.sampleRate()).isEqualTo(16_000);
      assertThat(c.channels()).isEqualTo(1);
      assertThat(c.frames()).isEqualTo(1_600);
      if (k > 0) {
        assertThat(c.tsUs()).isEqualTo(chunks.get(k - 1).endUs());
      }
    }
  }

  @Test
  void otherRatesAndChunkLengthsKeepExactTimestamps() {
    FeedSettings settings = new FeedSettings(30, 64, Duration.ofMillis(2_000), false);
    List<FeedItem> items;
    try (SyntheticCamera cam = camera(settings, 2)) {
      items = drain(cam);
    }
    List<VideoFrame> frames = frames(items);
    assertThat(frames).hasSize(60);
    for (int k = 0; k < frames.size(); k++) {
      assertThat(frames.get(k).tsUs()).isEqualTo(START + k * 1_000_000L / 30);
    }
    List<AudioChunk> chunks = chunks(items);
    assertThat(chunks).hasSize(32); // 2 s / 64 ms = 31.25: the last chunk starts before 2 s
    for (int k = 0; k < chunks.size(); k++) {
      assertThat(chunks.get(k).tsUs()).isEqualTo(START + k * 64_000L);
      assertThat(chunks.get(k).frames()).isEqualTo(1_024);
    }
  }

  @Test
  void itemsComeInTheOrderARealCameraDeliversThem() {
    List<FeedItem> items;
    try (SyntheticCamera cam =
        camera(FeedSettings.defaults().withDuration(Duration.ofSeconds(2)), 3)) {
      items = drain(cam);
    }
    for (int i = 1; i < items.size(); i++) {
      assertThat(items.get(i).availableUs())
          .as("item %d", i)
          .isGreaterThanOrEqualTo(items.get(i - 1).availableUs());
    }
    // a chunk is available once its last sample is recorded
    FeedItem firstChunk = items.stream().filter(i -> i instanceof FeedItem.Audio).findFirst().get();
    assertThat(firstChunk.availableUs()).isEqualTo(START + 100_000L);
    assertThat(items.indexOf(firstChunk)).isEqualTo(3); // after the frames at 0, 40 and 80 ms
  }

  @Test
  void everyItemPassesTheContractValidatorAndFramesCarryGroundTruth() {
    MediaValidator validator = new MediaValidator();
    List<FeedItem> items;
    try (SyntheticCamera cam =
        camera(FeedSettings.defaults().withDuration(Duration.ofSeconds(2)), 4)) {
      items = drain(cam);
    }
    for (FeedItem item : items) {
      RecordHeaders h = new RecordHeaders();
      if (item instanceof FeedItem.Frame f) {
        MediaSerdes.writeHeaders(h, f.frame());
        f.extraHeaders().forEach((k, v) -> h.add(k, v.getBytes()));
        VideoFrame back = validator.frame(h, f.frame().data());
        assertThat(back).isEqualTo(f.frame());
        RgbImage img = MediaValidator.decode(f.frame().data());
        assertThat(img.width()).isEqualTo(320);
        assertThat(img.height()).isEqualTo(240);
        GroundTruthLabel truth = GroundTruthHeaders.read(h, GroundTruthHeaders.Parsing.STRICT);
        assertThat(truth.present()).isTrue();
        assertThat(truth.gtClass()).isNotEmpty();
      } else {
        AudioChunk c = ((FeedItem.Audio) item).chunk();
        MediaSerdes.writeHeaders(h, c);
        assertThat(validator.audio(h, c.pcm())).isEqualTo(c);
      }
    }
  }

  @Test
  void theSameSeedPublishesTheSameBytes() {
    FeedSettings s = FeedSettings.defaults().withDuration(Duration.ofSeconds(1));
    List<FeedItem> a;
    List<FeedItem> b;
    try (SyntheticCamera x = camera(s, 8);
        SyntheticCamera y = camera(s, 8)) {
      a = drain(x);
      b = drain(y);
    }
    assertThat(frames(a)).isEqualTo(frames(b));
    assertThat(chunks(a)).isEqualTo(chunks(b));
  }
}
