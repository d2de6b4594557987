package io.avloc.training.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.avloc.core.metrics.PixelBox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlickrDatasetTest {

  @TempDir Path root;

  @Test
  void readsEveryAnnotatedClipWithTheAnnotatorsBoxes() throws Exception {
    TestClips.clip(root, "2401187063", "jpg", 1);
    TestClips.clip(root, "1000", "jpg", 2);
    TestClips.flickrXml(
        root.resolve("Annotations/2401187063.xml"),
        new int[] {0, 0, 128, 128},
        new int[] {0, 0, 128, 256},
        new int[] {10, 20, 30, 40});
    TestClips.flickrXml(root.resolve("Annotations/1000.xml"), new int[] {1, 2, 3, 4});

    LoadedDataset dataset = FlickrDataset.read(root);

    assertThat(dataset.format()).isEqualTo("flickr");
    assertThat(dataset.warnings()).isEmpty();
    assertThat(dataset.samples()).extracting(Sample::id).containsExactly("1000", "2401187063");
    Sample s = dataset.samples().get(1);
    assertThat(s.image()).isEqualTo(root.resolve("frames/2401187063.jpg"));
    assertThat(s.audio()).isEqualTo(root.resolve("audio/2401187063.wav"));
    assertThat(s.soundClass()).isNull();
    assertThat(s.annotation())
        .isEqualTo(
            new Annotation.Flickr(
                List.of(
                    new PixelBox(0, 0, 128, 128),
                    new PixelBox(0, 0, 128, 256),
                    new PixelBox(10, 20, 30, 40))));
    // Consensus: covered by two annotators → 1, by one → 0.5 (224·128/256 = 112).
    double[] gt = s.annotation().groundTruthMap();
    assertThat(gt[50 * 224 + 50]).isEqualTo(1.0);
    assertThat(gt[150 * 224 + 50]).isEqualTo(0.5);
    assertThat(gt[150 * 224 + 150]).isEqualTo(0.0);
  }

  @Test
  void takesTheClipsOfTheIdListAndReportsTheMissingOnes() throws Exception {
    for (String id : List.of("1", "2", "3")) {
      TestClips.clip(root, id, "jpg", id.hashCode());
      TestClips.flickrXml(root.resolve("Annotations/" + id + ".xml"), new int[] {1, 1, 9, 9});
    }
    Files.delete(root.resolve("audio/3.wav"));
    Files.writeString(root.resolve("flickr_test.csv"), "\uFEFF1,202\n3,0\n\n9,309\n1,5\n");

    LoadedDataset dataset = FlickrDataset.read(root);

    assertThat(dataset.samples()).extracting(Sample::id).containsExactly("1");
    assertThat(dataset.warnings())
        .singleElement()
        .asString()
        .contains("2 of 3 clips listed in " + root.resolve("flickr_test.csv"))
        .contains("3 (no audio)")
        .contains("9 (no annotation, no frame, no audio)");
  }

  @Test
  void failsOnAMalformedAnnotationNamingTheFile() throws Exception {
    TestClips.clip(root, "1", "jpg", 1);
    Files.createDirectories(root.resolve("Annotations"));
    Files.writeString(root.resolve("Annotations/1.xml"), "<annotation><object><bbox>");

    assertThatThrownBy(() -> FlickrDataset.read(root))
        .isInstanceOf(DatasetException.class)
        .hasMessageContaining(root.resolve("Annotations/1.xml").toString())
        .hasMessageContaining("Flickr-SoundNet layout");
  }

  @Test
  void failsWithoutTheAnnotationFolder() throws Exception {
    TestClips.clip(root, "1", "jpg", 1);

    assertThatThrownBy(() -> FlickrDataset.read(root))
        .isInstanceOf(DatasetException.class)
        .hasMessageContaining("folder " + root.resolve("Annotations") + " does not exist")
        .hasMessageContaining("Annotations/<id>.xml");
  }

  @Test
  void failsWhenTheIdListIsEmpty() throws Exception {
    TestClips.clip(root, "1", "jpg", 1);
    TestClips.flickrXml(root.resolve("Annotations/1.xml"), new int[] {1, 1, 9, 9});
    Files.writeString(root.resolve("flickr_test.csv"), "\n\n");

    assertThatThrownBy(() -> FlickrDataset.read(root))
        .isInstanceOf(DatasetException.class)
        .hasMessageContaining(root.resolve("flickr_test.csv") + " lists no clips");
  }

  @Test
  void failsWhenNoClipHasAllItsFiles() throws Exception {
    TestClips.flickrXml(root.resolve("Annotations/1.xml"), new int[] {1, 1, 9, 9});
    Files.createDirectories(root.resolve("frames"));
    Files.createDirectories(root.resolve("audio"));

    assertThatThrownBy(() -> FlickrDataset.read(root))
        .isInstanceOf(DatasetException.class)
        .hasMessageContaining("none of the 1 clips listed in " + root.resolve("Annotations"))
        .hasMessageContaining("1 (no frame, no audio)");
  }
}
