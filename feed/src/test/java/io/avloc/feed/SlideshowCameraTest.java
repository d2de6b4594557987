package io.avloc.feed;

import static io.avloc.feed.SyntheticCameraTest.chunks;
import static io.avloc.feed.SyntheticCameraTest.drain;
import static io.avloc.feed.SyntheticCameraTest.frames;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.avloc.core.media.AudioChunk;
import io.avloc.core.media.ImageFormat;
import io.avloc.core.media.VideoFrame;
import java.awt.Color;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SlideshowCameraTest {

  private static final long START = 1_000_000_000L;

  @TempDir Path tmp;

  private Path folder() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("shots"));
    TestMedia.image(dir.resolve("b.jpg"), 64, 48, Color.GREEN);
    TestMedia.image(dir.resolve("a.png"), 64, 48, Color.RED);
    TestMedia.image(dir.resolve("c.jpeg"), 64, 48, Color.BLUE);
    Files.writeString(dir.resolve("notes.txt"), "not an image");
    return dir;
  }

  @Test
  void showsTheImagesByNameAtTheFrameRateWithTheSoundResampledTo16kHz() throws Exception {
    Path dir = folder();
    Path wav = TestMedia.sineWav(tmp.resolve("s.wav"), 44_100, 2, 1.0, 440);
    List<FeedItem> items;
    try (SlideshowCamera cam =
        SlideshowCamera.open("cam-1", START, dir, wav, FeedSettings.defaults().withFps(10))) {
      assertThat(cam.imageCount()).isEqualTo(3);
      items = drain(cam);
    }
    List<VideoFrame> frames = frames(items);
    assertThat(frames).hasSize(3);
    assertThat(frames.get(0).data()).isEqualTo(Files.readAllBytes(dir.resolve("a.png")));
    assertThat(frames.get(0).format()).isEqualTo(ImageFormat.PNG);
    assertThat(frames.get(1).data()).isEqualTo(Files.readAllBytes(dir.resolve("b.jpg")));
    assertThat(frames.get(1).format()).isEqualTo(ImageFormat.JPEG);
    assertThat(frames.get(2).data()).isEqualTo(Files.readAllBytes(dir.resolve("c.jpeg")));
    for (int k = 0; k < 3; k++) {
      assertThat(frames.get(k).tsUs()).isEqualTo(START + k * 100_000L);
    }
    // 3 images at 10 fps = 0.3 s of audio, cut from the 1 s file: three 100 ms chunks
    List<AudioChunk> chunks = chunks(items);
    assertThat(chunks).hasSize(3);
    for (int k = 0; k < 3; k++) {
      assertThat(chunks.get(k).tsUs()).isEqualTo(START + k * 100_000L);
      assertThat(chunks.get(k).sampleRate()).isEqualTo(16_000);
      assertThat(chunks.get(k).channels()).isEqualTo(1);
      assertThat(chunks.get(k).frames()).isEqualTo(1_600);
    }
    // still a 440 Hz tone: about 88 zero crossings per 100 ms
    assertThat(zeroCrossings(chunks.get(1).monoSamples())).isBetween(86, 90);
  }

  @Test
  void shortAudioIsPaddedWithSilence() throws Exception {
    Path wav = TestMedia.sineWav(tmp.resolve("short.wav"), 16_000, 1, 0.15, 440);
    List<AudioChunk> chunks;
    try (SlideshowCamera cam =
        SlideshowCamera.open("c", START, folder(), wav, FeedSettings.defaults().withFps(10))) {
      chunks = chunks(drain(cam));
    }
    assertThat(chunks).hasSize(3);
    assertThat(peak(chunks.get(0).monoSamples())).isGreaterThan(0.4f);
    assertThat(peak(chunks.get(2).monoSamples())).isZero();
  }

  @Test
  void loopsWithIncreasingTimestamps() throws Exception {
    Path wav = TestMedia.sineWav(tmp.resolve("s.wav"), 22_050, 1, 0.3, 440);
    FeedSettings s =
        FeedSettings.defaults().withFps(10).withLoop(true).withDuration(Duration.ofMillis(1_000));
    List<FeedItem> items;
    try (SlideshowCamera cam = SlideshowCamera.open("c", START, folder(), wav, s)) {
      items = drain(cam);
    }
    List<VideoFrame> frames = frames(items);
    assertThat(frames).hasSize(10);
    for (int k = 0; k < 10; k++) {
      assertThat(frames.get(k).tsUs()).isEqualTo(START + k * 100_000L);
      assertThat(frames.get(k).data()).isEqualTo(frames.get(k % 3).data());
    }
    List<AudioChunk> chunks = chunks(items);
    assertThat(chunks).hasSize(10);
    for (int k = 1; k < chunks.size(); k++) {
      assertThat(chunks.get(k).tsUs()).isEqualTo(chunks.get(k - 1).endUs());
    }
  }

  @Test
  void badInputGivesAClearError() throws Exception {
    Path wav = TestMedia.sineWav(tmp.resolve("s.wav"), 16_000, 1, 0.3, 440);
    FeedSettings s = FeedSettings.defaults();
    assertThatThrownBy(() -> SlideshowCamera.open("c", 0, tmp.resolve("nope"), wav, s))
        .isInstanceOf(FeedException.class)
        .hasMessageContaining("does not exist");
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    assertThatThrownBy(() -> SlideshowCamera.open("c", 0, empty, wav, s))
        .hasMessageContaining("has no .jpg, .jpeg or .png files");
    Path notAudio = Files.writeString(tmp.resolve("x.wav"), "hello");
    assertThatThrownBy(() -> SlideshowCamera.open("c", 0, folder(), notAudio, s))
        .isInstanceOf(FeedException.class)
        .hasMessageContaining("x.wav");
  }

  static int zeroCrossings(float[] x) {
    int n = 0;
    for (int i = 1; i < x.length; i++) {
      if ((x[i - 1] < 0) != (x[i] < 0)) {
        n++;
      }
    }
    return n;
  }

  static float peak(float[] x) {
    float p = 0;
    for (float v : x) {
      p = Math.max(p, Math.abs(v));
    }
    return p;
  }
}
