package io.avloc.training.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetsTest {

  @TempDir Path root;

  @Test
  void detectsVggssByItsAnnotationFile() throws Exception {
    TestClips.clip(root, "a", "jpg", 1);
    TestClips.vggssJson(
        root.resolve("vggss.json"), List.of(new TestClips.Entry("a", "cat", List.of())));

    assertThat(Datasets.detect(root)).isEqualTo("vggss");
    assertThat(Datasets.open(root, "auto").samples().get(0).annotated()).isTrue();
  }

  @Test
  void detectsFlickrByItsAnnotationFolder() throws Exception {
    TestClips.clip(root, "1", "jpg", 1);
    TestClips.flickrXml(root.resolve("Annotations/1.xml"), new int[] {1, 1, 9, 9});

    assertThat(Datasets.open(root, "AUTO").format()).isEqualTo("flickr");
  }

  @Test
  void detectsAPlainClipFolder() throws Exception {
    TestClips.clip(root, "a", "jpg", 1);

    assertThat(Datasets.open(root, "auto").format()).isEqualTo("folder");
  }

  @Test
  void opensANamedFormatEvenWhenAnotherWouldBeDetected() throws Exception {
    TestClips.clip(root, "a", "jpg", 1);
    TestClips.clip(root, "b", "jpg", 2);
    TestClips.vggssJson(
        root.resolve("vggss.json"), List.of(new TestClips.Entry("a", "cat", List.of())));

    assertThat(Datasets.open(root, "vggss").samples()).hasSize(1);
    assertThat(Datasets.open(root, " folder ").samples()).hasSize(2);
  }

  @Test
  void rejectsAnUnknownFormat() {
    assertThatThrownBy(() -> Datasets.open(root, "coco"))
        .isInstanceOf(DatasetException.class)
        .hasMessage("unknown dataset format 'coco'; use one of auto, vggss, flickr, folder, video");
  }

  @Test
  void saysWhatIsMissingWhenNoLayoutMatches() throws Exception {
    Files.createDirectories(root.resolve("frames"));

    assertThatThrownBy(() -> Datasets.open(root, "auto"))
        .isInstanceOf(DatasetException.class)
        .hasMessageContaining("cannot tell the layout of dataset folder " + root)
        .hasMessageContaining("it has frames/ but no audio/")
        .hasMessageContaining("VGG-SS layout")
        .hasMessageContaining("Flickr-SoundNet layout")
        .hasMessageContaining("folder of video files");
  }

  @Test
  void failsOnAMissingFolder() {
    Path missing = root.resolve("missing");

    assertThatThrownBy(() -> Datasets.open(missing, "auto"))
        .isInstanceOf(DatasetException.class)
        .hasMessageContaining("dataset folder " + missing + " does not exist");
  }
}
