package io.avloc.feed;

import static io.avloc.feed.SyntheticCameraTest.chunks;
import static io.avloc.feed.SyntheticCameraTest.drain;
import static io.avloc.feed.SyntheticCameraTest.frames;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.avloc.core.image.RgbImage;
import io.avloc.core.media.AudioChunk;
import io.avloc.core.media.ImageFormat;
import io.avloc.core.media.MediaValidator;
import io.avloc.core.media.VideoFrame;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VideoCameraTest {

  private static final long START = 1_600_000_000_000_000L;

  @TempDir static Path tmp;
  static Path mp4;

  @BeforeAll
  static void writeVideo() throws Exception {
    mp4 = TestMedia.mp4(tmp.resolve("clip.mp4"), 25, 2.0, true);
  }

  @Test
  void decodesFramesToJpegAtTheirPresentationTimes() throws Exception {
    List<FeedItem> items;
    try (VideoCamera cam =
        VideoCamera.openFile("v-1", START, mp4, FeedSettings.defaults().withFps(0))) {
      assertThat(cam.live()).isFalse();
      assertThat(cam.hasAudio()).isTrue();
      items = drain(cam);
    }
    List<VideoFrame> frames = frames(items);
    assertThat(frames).hasSize(50);
    int previousLevel = -1;
    for (int k = 0; k < frames.size(); k++) {
      VideoFrame f = frames.get(k);
      assertThat(f.format()).isEqualTo(ImageFormat.JPEG);
      assertThat(f.tsUs()).isEqualTo(START + k * 40_000L);
      RgbImage img = MediaValidator.decode(f.data());
      assertThat(img.width()).isEqualTo(160);
      int level = img.sample(80, 60, 2);
      assertThat(level)
          .as("frame %d is the %d-th picture", k, k)
          .isBetween(20 + 4 * k - 6, 20 + 4 * k + 6);
      assertThat(level).isGreaterThan(previousLevel);
      previousLevel = level;
    }
  }

  @Test
  void decodesAudioTo16kHzMonoInContiguousChunks() throws Exception {
    List<AudioChunk> chunks;
    try (VideoCamera cam = VideoCamera.openFile("v-1", START, mp4, FeedSettings.defaults())) {
      chunks = chunks(drain(cam));
    }
    assertThat(chunks).hasSizeBetween(20, 21);
    assertThat(chunks.get(0).tsUs()).isBetween(START, START + 30_000);
    long total = 0;
    for (int k = 0; k < chunks.size(); k++) {
      AudioChunk c = chunks.get(k);
      assertThat(c.sampleRate()).isEqualTo(16_000);
      assertThat(c.channels()).isEqualTo(1);
      if (k < chunks.size() - 1) {
        assertThat(c.frames()).isEqualTo(1_600);
        assertThat(chunks.get(k + 1).tsUs()).isEqualTo(c.endUs());
      }
      total += c.frames();
    }
    // 2 s of sound, give or take the AAC encoder's priming and padding
    assertThat(total).isBetween(31_000L, 33_600L);
    // a 440 Hz tone: 88 zero crossings per 100 ms
    assertThat(SlideshowCameraTest.zeroCrossings(chunks.get(10).monoSamples())).isBetween(86, 90);
  }

  @Test
  void itemsAreInDeliveryOrderAndTimestampsIncrease() throws Exception {
    List<FeedItem> items;
    try (VideoCamera cam = VideoCamera.openFile("v-1", START, mp4, FeedSettings.defaults())) {
      items = drain(cam);
    }
    List<VideoFrame> frames = frames(items);
    for (int i = 1; i < frames.size(); i++) {
      assertThat(frames.get(i).tsUs()).isGreaterThan(frames.get(i - 1).tsUs());
    }
    // frames and chunks are interleaved, not all frames first
    int firstChunk =
        items.indexOf(items.stream().filter(i -> i instanceof FeedItem.Audio).findFirst().get());
    assertThat(firstChunk).isLessThan(10);
  }

  @Test
  void anFpsCapDropsFrames() throws Exception {
    List<VideoFrame> frames;
    try (VideoCamera cam =
        VideoCamera.openFile("v-1", START, mp4, FeedSettings.defaults().withFps(10))) {
      frames = frames(drain(cam));
    }
    assertThat(frames).hasSize(20);
    for (int i = 1; i < frames.size(); i++) {
      assertThat(frames.get(i).tsUs() - frames.get(i - 1).tsUs()).isBetween(80_000L, 120_000L);
    }
  }

  @Test
  void loopsWithIncreasingTimestampsUntilTheDuration() throws Exception {
    FeedSettings s =
        FeedSettings.defaults().withFps(0).withLoop(true).withDuration(Duration.ofMillis(5_000));
    List<FeedItem> items;
    try (VideoCamera cam = VideoCamera.openFile("v-1", START, mp4, s)) {
      items = drain(cam);
    }
    List<VideoFrame> frames = frames(items);
    assertThat(frames).hasSizeBetween(118, 126);
    for (int i = 1; i < frames.size(); i++) {
      assertThat(frames.get(i).tsUs()).isGreaterThan(frames.get(i - 1).tsUs());
    }
    assertThat(frames.get(frames.size() - 1).tsUs()).isLessThan(START + 5_000_000L);
    List<AudioChunk> chunks = chunks(items);
    for (int k = 1; k < chunks.size(); k++) {
      assertThat(chunks.get(k).tsUs()).isEqualTo(chunks.get(k - 1).endUs());
    }
    assertThat(chunks.get(chunks.size() - 1).endUs()).isGreaterThanOrEqualTo(START + 4_900_000L);
  }

  @Test
  void aVideoWithoutSoundPublishesFramesOnly() throws Exception {
    Path silent = TestMedia.mp4(tmp.resolve("silent.mp4"), 25, 1.0, false);
    try (VideoCamera cam = VideoCamera.openFile("v", START, silent, FeedSettings.defaults())) {
      assertThat(cam.hasAudio()).isFalse();
      List<FeedItem> items = drain(cam);
      assertThat(frames(items)).hasSize(25);
      assertThat(chunks(items)).isEmpty();
    }
  }

  /** RTSP shares the grabber code path; without a server only its failure can be tested here. */
  @Test
  void anRtspStreamThatCannotBeReachedGivesAClearError() throws Exception {
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String url = "rtsp://127.0.0.1:" + port + "/cam";
    assertThatThrownBy(() -> VideoCamera.openRtsp("r", 0, url, FeedSettings.defaults()))
        .isInstanceOf(FeedException.class)
        .hasMessageStartingWith("cannot open RTSP stream " + url);
  }

  @Test
  void unreadableInputGivesAClearError() throws Exception {
    assertThatThrownBy(
            () -> VideoCamera.openFile("v", 0, tmp.resolve("missing.mp4"), FeedSettings.defaults()))
        .isInstanceOf(FeedException.class)
        .hasMessageContaining("missing.mp4")
        .hasMessageContaining("does not exist");
    Path junk = Files.writeString(tmp.resolve("junk.mp4"), "this is not a video at all");
    assertThatThrownBy(() -> VideoCamera.openFile("v", 0, junk, FeedSettings.defaults()))
        .isInstanceOf(FeedException.class)
        .hasMessageContaining("cannot open video file")
        .hasMessageContaining("junk.mp4");
  }
}
