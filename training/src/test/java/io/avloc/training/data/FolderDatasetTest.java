package io.avloc.training.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.avloc.core.metrics.NormalizedBox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FolderDatasetTest {

  @TempDir Path root;

  @Test
  void pairsFramesAndAudioByFileStem() throws Exception {
    TestClips.clip(root, "b", "jpg", 1);
    TestClips.clip(root, "a", "png", 2);

    LoadedDataset dataset = FolderDataset.read(root);

    assertThat(dataset.format()).isEqualTo("folder");
    assertThat(dataset.warnings()).isEmpty();
    assertThat(dataset.samples())
        .containsExactly(
            Sample.unannotated("a", root.resolve("frames/a.png"), root.resolve("audio/a.wav")),
            Sample.unannotated("b", root.resolve("frames/b.jpg"), root.resolve("audio/b.wav")));
  }

  @Test
  void reportsUnpairedAndUnknownFilesAndDoesNotUseThem() throws Exception {
    TestClips.clip(root, "a", "jpg", 1);
    TestClips.image(root.resolve("frames/lonely.jpg"), 8, 8, 2);
    TestClips.wav(root.resolve("audio/silent-partner.wav"), 16_000, 1, 0.5, 100, 3);
    Files.writeString(root.resolve("frames/notes.txt"), "hello");
    Files.writeString(root.resolve("frames/.DS_Store"), "hidden files are skipped quietly");

    LoadedDataset dataset = FolderDataset.read(root);

    assertThat(dataset.samples()).extracting(Sample::id).containsExactly("a");
    assertThat(dataset.warnings())
        .containsExactly(
            "1 frame(s) in "
                + root.resolve("frames")
                + " have no audio file of the same name and were not used: lonely.jpg",
            "1 audio file(s) in "
                + root.resolve("audio")
                + " have no frame of the same name and were not used: silent-partner.wav",
            "1 file(s) in "
                + root.resolve("frames")
                + " were ignored because they are not .jpg/.jpeg/.png: notes.txt");
  }

  @Test
  void annotatesTheClipsListedInAVggssJson() throws Exception {
    TestClips.clip(root, "a", "jpg", 1);
    TestClips.clip(root, "b", "jpg", 2);
    TestClips.vggssJson(
        root.resolve("vggss.json"),
        List.of(
            new TestClips.Entry("a", "cow", List.of(new double[] {0.25, 0.25, 0.75, 0.75})),
            new TestClips.Entry("z", "cow", List.of())));

    LoadedDataset dataset = FolderDataset.read(root);

    assertThat(dataset.samples()).extracting(Sample::id).containsExactly("a", "b");
    assertThat(dataset.samples().get(0).annotation())
        .isEqualTo(new Annotation.Vggss(List.of(new NormalizedBox(0.25, 0.25, 0.75, 0.75))));
    assertThat(dataset.samples().get(0).soundClass()).isEqualTo("cow");
    assertThat(dataset.samples().get(1).annotated()).isFalse();
  }

  @Test
  void failsWhenNoFrameHasItsAudio() throws Exception {
    TestClips.image(root.resolve("frames/a.jpg"), 8, 8, 1);
    TestClips.wav(root.resolve("audio/b.wav"), 16_000, 1, 0.5, 100, 3);

    assertThatThrownBy(() -> FolderDataset.read(root))
        .isInstanceOf(DatasetException.class)
        .hasMessageContaining("no clip in " + root + " has both a frame and audio")
        .hasMessageContaining("1 frame(s), 1 audio file(s)")
        .hasMessageContaining("frames/<id>.jpg|png and audio/<id>.wav|ogg");
  }

  @Test
  void failsOnAnEmptyFolder() throws Exception {
    Files.createDirectories(root.resolve("frames"));
    Files.createDirectories(root.resolve("audio"));

    assertThatThrownBy(() -> FolderDataset.read(root))
        .isInstanceOf(DatasetException.class)
        .hasMessageContaining("0 frame(s), 0 audio file(s)");
  }

  @Test
  void failsWhenTheFramesFolderIsAFile() throws Exception {
    Files.writeString(root.resolve("frames"), "not a folder");
    Files.createDirectories(root.resolve("audio"));

    assertThatThrownBy(() -> FolderDataset.read(root))
        .isInstanceOf(DatasetException.class)
        .hasMessageContaining("folder " + root.resolve("frames") + " is not a directory");
  }
}
