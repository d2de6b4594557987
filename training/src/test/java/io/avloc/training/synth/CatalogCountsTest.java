package io.avloc.training.synth;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CatalogCountsTest {

  /**
   * Classes whose packages hold fewer than 10 distinct training pictures (docs/benchmark-data.md,
   * "Where the corpus is still thin"); they must keep at least 5.
   */
  private static final Set<String> FEW_PICTURES =
      Set.of("duck", "owl", "piano", "trumpet", "violin");

  /** The groups whose sounds are rendered from soundfonts or recorded in bulk (qABCs words). */
  private static final Set<String> MANY_SOUNDS = Set.of("instrument", "device", "person");

  @Test
  void countsDistinctFilesPerSplitStyleAndSourceKind() {
    Catalog c =
        Catalog.parse(
            List.of(
                "dog\timage\ttrain\ta.png\tp\tGPL-2\tanimal\tphoto",
                "dog\timage\ttrain\tb.png\tp\tGPL-2\tanimal\temoji",
                "dog\timage\ttest\tc.png\tp\tGPL-2\tanimal\tclipart",
                "dog\timage\ttest\td.png\tp\tGPL-2\tanimal",
                "dog\tsound\ttrain\te.ogg\tp\tGPL-2\tanimal\t-",
                "dog\tsound\ttrain\tderived/sf2/F/dog_melody_p1_s1.wav\tp\tMIT\tanimal\t-",
                "dog\tsound\ttest\tf.ogg\tp\tGPL-2\tanimal\t-",
                "park\tbackground\ttrain\tg.jpg\tp\tGPL-2\t-\t-"),
            "fixture");
    CatalogCounts.Row dog = CatalogCounts.of(c).row("dog");
    assertThat(CatalogCounts.of(c).rows()).hasSize(1); // backgrounds are not classes
    assertThat(dog.pictures()).containsEntry(Split.TRAIN, 2).containsEntry(Split.TEST, 2);
    assertThat(dog.picturesByStyle().get(Split.TRAIN))
        .containsEntry("photo", 1)
        .containsEntry("emoji", 1)
        .containsEntry("clipart", 0);
    assertThat(dog.recordings()).containsEntry(Split.TRAIN, 1).containsEntry(Split.TEST, 1);
    assertThat(dog.renders()).containsEntry(Split.TRAIN, 1).containsEntry(Split.TEST, 0);
    assertThat(dog.sounds(Split.TRAIN)).isEqualTo(2);
    assertThat(CatalogCounts.of(c).markdown())
        .contains(
            "| dog | animal | 2 (1 / 0 / 1) | 2 (0 / 1 / 0 / 1 unstyled) | 2 (1 + 1) | 1 (1 + 0) |");
  }

  @Test
  void everyOnScreenClassHasTenTrainingPicturesAndTheRenderedOrSpokenClassesTenSoundSources() {
    CatalogCounts counts = CatalogCounts.of(Catalog.bundled());
    assertThat(counts.rows()).hasSize(19);
    for (CatalogCounts.Row r : counts.rows()) {
      int pictures = r.pictures().get(Split.TRAIN);
      assertThat(pictures)
          .as("%s training pictures", r.label())
          .isGreaterThanOrEqualTo(FEW_PICTURES.contains(r.label()) ? 5 : 10);
      assertThat(r.pictures().get(Split.TEST)).as("%s test pictures", r.label()).isPositive();
      assertThat(r.sounds(Split.TEST)).as("%s test sounds", r.label()).isPositive();
      if (MANY_SOUNDS.contains(r.group())) {
        assertThat(r.sounds(Split.TRAIN))
            .as("%s training sound sources", r.label())
            .isGreaterThanOrEqualTo(10);
      } else {
        // recorded animal sounds: every one in the packages is used (see the docs)
        assertThat(r.recordings().get(Split.TRAIN)).as(r.label()).isPositive();
      }
    }
    // the renders for test come from the held-out soundfont only
    for (CatalogEntry e : Catalog.bundled().entries()) {
      if (e.path().startsWith(CatalogCounts.RENDERED)) {
        assertThat(e.path())
            .as(e.path())
            .startsWith(
                e.split() == Split.TRAIN ? "derived/sf2/FluidR3_GM/" : "derived/sf2/TimGM6mb/");
      }
    }
  }

  @Test
  void theDocsShowTheCountsOfTheBundledCatalog() throws IOException {
    String docs = Files.readString(Path.of("..", "docs", "benchmark-data.md"));
    assertThat(docs)
        .as("docs/benchmark-data.md is out of date: paste the output of 'avloc data catalog'")
        .contains(CatalogCounts.of(Catalog.bundled()).markdown().strip());
  }

  @Test
  void noFileComesFromAReservedPackage() throws IOException {
    // Kept for an independent evaluation set; the names stand in docs/benchmark-data.md only.
    String docs = Files.readString(Path.of("..", "docs", "benchmark-data.md"));
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile(
                "<!-- reserved-packages -->\\s*(.+?)\\s*<!-- /reserved-packages -->",
                java.util.regex.Pattern.DOTALL)
            .matcher(docs);
    assertThat(m.find()).as("the reserved-packages list in docs/benchmark-data.md").isTrue();
    List<String> reserved =
        java.util.Arrays.stream(m.group(1).split(","))
            .map(String::strip)
            .filter(n -> !n.isEmpty())
            .toList();
    assertThat(reserved).hasSizeGreaterThanOrEqualTo(10);
    for (CatalogEntry e : Catalog.bundled().entries()) {
      String where = (e.pkg() + " " + e.path()).toLowerCase(Locale.ROOT);
      assertThat(reserved).as(e.path()).noneMatch(where::contains);
    }
  }
}
