package io.avloc.training.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.avloc.core.metrics.NormalizedBox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VggssDatasetTest {

  @TempDir Path root;

  @Test
  void readsEveryListedClipWithItsBoxesSortedById() throws Exception {
    TestClips.clip(root, "b_30", "jpg", 1);
    TestClips.clip(root, "a_10", "png", 2);
    TestClips.clip(root, "c_0", "jpg", 3);
    TestClips.vggssJson(
        root.resolve("vggss.json"),
        List.of(
            new TestClips.Entry("b_30", "dog barking", List.of(new double[] {0.1, 0.2, 0.5, 0.6})),
            new TestClips.Entry(
                "a_10",
                "violin",
                List.of(new double[] {0, 0, 0.5, 0.5}, new double[] {0.5, 0.5, 1, 1})),
            new TestClips.Entry("c_0", "", List.of())));

    LoadedDataset dataset = VggssDataset.read(root);

    assertThat(dataset.format()).isEqualTo("vggss");
    assertThat(dataset.root()).isEqualTo(root);
    assertThat(dataset.warnings()).isEmpty();
    assertThat(dataset.samples()).extracting(Sample::id).containsExactly("a_10", "b_30", "c_0");
    Sample a = dataset.samples().get(0);
    assertThat(a.image()).isEqualTo(root.resolve("frames/a_10.png"));
    assertThat(a.audio()).isEqualTo(root.resolve("audio/a_10.wav"));
    assertThat(a.soundClass()).isEqualTo("violin");
    assertThat(a.annotation())
        .isEqualTo(
            new Annotation.Vggss(
                List.of(new NormalizedBox(0, 0, 0.5, 0.5), new NormalizedBox(0.5, 0.5, 1, 1))));
    Sample c = dataset.samples().get(2);
    assertThat(c.annotated()).isTrue();
    assertThat(c.annotation().onScreen()).isFalse();
    assertThat(c.soundClass()).isNull();
  }

  @Test
  void leavesOutClipsWhoseFilesAreMissingAndNamesThem() throws Exception {
    TestClips.clip(root, "kept", "jpg", 1);
    TestClips.clip(root, "noframe", "jpg", 2);
    Files.delete(root.resolve("frames/noframe.jpg"));
    TestClips.clip(root, "noaudio", "jpg", 3);
    Files.delete(root.resolve("audio/noaudio.wav"));
    TestClips.vggssJson(
        root.resolve("vggss.json"),
        List.of(
            new TestClips.Entry("kept", "cat", List.of()),
            new TestClips.Entry("noframe", "cat", List.of()),
            new TestClips.Entry("noaudio", "cat", List.of()),
            new TestClips.Entry("gone", "cat", List.of())));

    LoadedDataset dataset = VggssDataset.read(root);

    assertThat(dataset.samples()).extracting(Sample::id).containsExactly("kept");
    assertThat(dataset.warnings())
        .singleElement()
        .asString()
        .contains("3 of 4 clips")
        .contains("noframe (no frame)")
        .contains("noaudio (no audio)")
        .contains("gone (no frame, no audio)");
  }

  @Test
  void namesAtMostFiveMissingClips() throws Exception {
    TestClips.clip(root, "kept", "jpg", 1);
    List<TestClips.Entry> entries =
        new java.util.ArrayList<>(List.of(new TestClips.Entry("kept", "cat", List.of())));
    for (int i = 0; i < 8; i++) {
      entries.add(new TestClips.Entry("m" + i, "cat", List.of()));
    }
    TestClips.vggssJson(root.resolve("vggss.json"), entries);

    LoadedDataset dataset = VggssDataset.read(root);

    assertThat(dataset.warnings().get(0))
        .contains("8 of 9 clips")
        .contains("m4 (no frame, no audio)")
        .doesNotContain("m5")
        .endsWith("and 3 more");
  }

  @Test
  void failsWhenNoListedClipHasItsFiles() throws Exception {
    Files.createDirectories(root.resolve("frames"));
    Files.createDirectories(root.resolve("audio"));
    TestClips.vggssJson(
        root.resolve("vggss.json"), List.of(new TestClips.Entry("x", "cat", List.of())));

    assertThatThrownBy(() -> VggssDataset.read(root))
        .isInstanceOf(DatasetException.class)
        .hasMessageContaining("none of the 1 clips listed in " + root.resolve("vggss.json"))
        .hasMessageContaining("x (no frame, no audio)")
        .hasMessageContaining("expected the VGG-SS layout");
  }

  @Test
  void failsWithoutTheAnnotationFile() throws Exception {
    TestClips.clip(root, "a", "jpg", 1);

    assertThatThrownBy(() -> VggssDataset.read(root))
        .isInstanceOf(DatasetException.class)
        .hasMessageContaining(root.resolve("vggss.json") + " does not exist")
        .hasMessageContaining("vggss.json, frames/<id>.jpg|png and audio/<id>.wav|ogg");
  }

  @Test
  void failsWithoutTheAudioFolder() throws Exception {
    TestClips.image(root.resolve("frames/a.jpg"), 8, 8, 1);
    TestClips.vggssJson(
        root.resolve("vggss.json"), List.of(new TestClips.Entry("a", "cat", List.of())));

    assertThatThrownBy(() -> VggssDataset.read(root))
        .isInstanceOf(DatasetException.class)
        .hasMessageContaining("folder " + root.resolve("audio") + " does not exist");
  }

  @Test
  void failsOnMalformedAnnotationsNamingTheFile() throws Exception {
    TestClips.clip(root, "a", "jpg", 1);
    Files.writeString(root.resolve("vggss.json"), "[{\"file\": \"a\", \"bbox\": [[0, 1]]}]");

    assertThatThrownBy(() -> VggssDataset.read(root))
        .isInstanceOf(DatasetException.class)
        .hasMessageContaining(root.resolve("vggss.json").toString())
        .hasMessageContaining("expected 4 numbers");
  }

  @Test
  void failsOnDuplicateEntriesNamingTheFile() throws Exception {
    TestClips.clip(root, "a", "jpg", 1);
    TestClips.vggssJson(
        root.resolve("vggss.json"),
        List.of(
            new TestClips.Entry("a", "cat", List.of()),
            new TestClips.Entry("a", "dog", List.of())));

    assertThatThrownBy(() -> VggssDataset.read(root))
        .isInstanceOf(DatasetException.class)
        .hasMessageContaining(root.resolve("vggss.json").toString())
        .hasMessageContaining("duplicate");
  }

  @Test
  void failsWhenOneClipHasTwoFrames() throws Exception {
    TestClips.clip(root, "a", "jpg", 1);
    TestClips.image(root.resolve("frames/a.png"), 8, 8, 1);
    TestClips.vggssJson(
        root.resolve("vggss.json"), List.of(new TestClips.Entry("a", "cat", List.of())));

    assertThatThrownBy(() -> VggssDataset.read(root))
        .isInstanceOf(DatasetException.class)
        .hasMessageContaining("clip a has two files in " + root.resolve("frames"))
        .hasMessageContaining("a.jpg and a.png");
  }

  @Test
  void failsWhenTheRootIsMissing() {
    Path missing = root.resolve("nowhere");

    assertThatThrownBy(() -> VggssDataset.read(missing))
        .isInstanceOf(DatasetException.class)
        .hasMessageContaining("dataset folder " + missing + " does not exist")
        .hasMessageContaining("VGG-SS layout");
  }
}
