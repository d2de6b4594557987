package io.avloc.training.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.avloc.core.audio.AudioClip;
import io.avloc.core.audio.AudioDecoder;
import io.avloc.core.image.ImageDecoder;
import io.avloc.core.image.RgbImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VideoDatasetTest {

  @TempDir Path root;
  @TempDir Path cache;

  @Test
  void extractsTheMiddleFrameAndTheMonoAudioAtItsOwnRate() throws Exception {
    // 3 s at 10 fps: frame k has grey level 10 + 8k, so the middle (k = 15) is about 130.
    TestClips.mp4(root.resolve("street.mp4"), 3.0, 10, 22_050, true);

    LoadedDataset dataset = VideoDataset.read(root, cache);

    assertThat(dataset.format()).isEqualTo("video");
    assertThat(dataset.warnings()).isEmpty();
    Sample clip = dataset.samples().get(0);
    assertThat(clip.id()).isEqualTo("street");
    assertThat(clip.annotated()).isFalse();
    assertThat(clip.image()).isEqualTo(cache.resolve("frames/street.jpg"));
    assertThat(clip.audio()).isEqualTo(cache.resolve("audio/street.wav"));
    RgbImage frame = ImageDecoder.decode(clip.image());
    assertThat(frame.width()).isEqualTo(96);
    assertThat(frame.height()).isEqualTo(64);
    assertThat(frame.sample(48, 32, 0)).isBetween(130 - 12, 130 + 12);
    AudioClip audio = AudioDecoder.read(clip.audio());
    assertThat(audio.sampleRate()).isEqualTo(22_050);
    assertThat(audio.durationSeconds()).isBetween(2.9, 3.2);
    assertThat(peak(audio)).isBetween(0.25f, 0.35f); // 10,000 / 32,767 on both channels
  }

  @Test
  void reusesTheCacheUntilTheVideoChanges() throws Exception {
    Path video = TestClips.mp4(root.resolve("a.mp4"), 1.0, 10, 16_000, true);
    VideoDataset.read(root, cache);
    Path jpg = cache.resolve("frames/a.jpg");
    FileTime stamp = Files.getLastModifiedTime(jpg);
    // Mark the cached frame without changing its time stamp: a reuse keeps the mark.
    Files.write(jpg, new byte[] {1, 2, 3});
    Files.setLastModifiedTime(jpg, stamp);

    VideoDataset.read(root, cache);
    assertThat(Files.readAllBytes(jpg)).containsExactly(1, 2, 3);

    Files.setLastModifiedTime(video, FileTime.from(Instant.now().plusSeconds(60)));
    VideoDataset.read(root, cache);
    assertThat(ImageDecoder.decode(jpg).width()).isEqualTo(96);
    assertThat(Files.getLastModifiedTime(jpg)).isEqualTo(Files.getLastModifiedTime(video));
    try (var leftovers = Files.list(cache.resolve("frames"))) {
      assertThat(leftovers).hasSize(1);
    }
  }

  @Test
  void aVideoWithoutSoundIsAnErrorNamingIt() throws Exception {
    TestClips.mp4(root.resolve("a.mp4"), 1.0, 10, 16_000, true);
    Path silent = TestClips.mp4(root.resolve("b.mp4"), 1.0, 10, 16_000, false);

    assertThatThrownBy(() -> VideoDataset.read(root, cache))
        .isInstanceOf(DatasetException.class)
        .hasMessageContaining(silent + " has no audio stream")
        .hasMessageContaining("lenient");
  }

  @Test
  void lenientReadingSkipsUnusableVideosWithAWarning() throws Exception {
    TestClips.mp4(root.resolve("a.mp4"), 1.0, 10, 16_000, true);
    TestClips.mp4(root.resolve("b.mp4"), 1.0, 10, 16_000, false);
    Files.write(root.resolve("c.mkv"), new byte[] {0x1a, 0x45, 0x00, 0x01, 0x02});

    LoadedDataset dataset = VideoDataset.read(root, cache, true);

    assertThat(dataset.samples()).extracting(Sample::id).containsExactly("a");
    assertThat(dataset.warnings())
        .singleElement()
        .asString()
        .startsWith("2 of 3 videos in " + root + " were skipped")
        .contains("b.mp4 (" + root.resolve("b.mp4") + " has no audio stream")
        .contains("c.mkv (FFmpeg cannot open " + root.resolve("c.mkv"));
  }

  @Test
  void aDamagedVideoIsAnErrorNamingIt() throws Exception {
    Path broken = root.resolve("broken.mov");
    Files.write(broken, "not a video at all".getBytes());

    assertThatThrownBy(() -> VideoDataset.read(root, cache))
        .isInstanceOf(DatasetException.class)
        .hasMessageContaining("FFmpeg cannot open " + broken);
  }

  @Test
  void aFolderWithoutVideosIsAnError() throws Exception {
    Files.writeString(root.resolve("readme.txt"), "no videos here");

    assertThatThrownBy(() -> VideoDataset.read(root, cache))
        .isInstanceOf(DatasetException.class)
        .hasMessageContaining("no video files in " + root)
        .hasMessageContaining(".mp4, .mkv, .webm, .mov");
  }

  @Test
  void isDetectedAndItsClipsLoadLikeAnyOther() throws Exception {
    TestClips.mp4(root.resolve("a.mp4"), 2.0, 10, 44_100, true);

    LoadedDataset dataset = Datasets.open(root, "auto");

    assertThat(dataset.format()).isEqualTo("video");
    assertThat(dataset.samples().get(0).image())
        .isEqualTo(root.resolve(".avloc-cache/frames/a.jpg"));
    SampleCache samples = new SampleCache(32, false);
    try (BatchLoader loader =
        new BatchLoader(dataset.samples(), LoaderConfig.evaluation(1, 32, 1), 0, samples)) {
      TrainingBatch batch = loader.next();
      assertThat(batch.ids()).containsExactly("a");
      assertThat(batch.frames()).isEqualTo(200);
    }
  }

  private static float peak(AudioClip clip) {
    float max = 0;
    for (float v : clip.samples()) {
      max = Math.max(max, Math.abs(v));
    }
    return max;
  }
}
