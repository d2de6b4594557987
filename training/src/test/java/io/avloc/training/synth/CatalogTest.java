package io.avloc.training.synth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class CatalogTest {

  private static final String HEADER = "class\tkind\tsplit\tpath\tpackage\tlicence\tgroup";

  @Test
  void theBundledCatalogSharesNoFileBetweenTrainAndTest() {
    Catalog c = Catalog.bundled();
    Set<String> train =
        c.entries(Split.TRAIN).stream().map(CatalogEntry::path).collect(Collectors.toSet());
    Set<String> test =
        c.entries(Split.TEST).stream().map(CatalogEntry::path).collect(Collectors.toSet());

    assertThat(train).isNotEmpty();
    assertThat(test).isNotEmpty();
    assertThat(train).doesNotContainAnyElementsOf(test);
    assertThat(train.size() + test.size()).isEqualTo(c.entries().size());
  }

  @Test
  void theBundledCatalogHasTheSameClassesInBothSplitsAndEverythingAClipNeeds() {
    Catalog c = Catalog.bundled();
    for (Split s : Split.values()) {
      c.requireComplete(s);
      assertThat(c.entries(s, AssetKind.BACKGROUND)).as(s.label()).hasSizeGreaterThan(10);
      assertThat(c.entries(s, AssetKind.OFFSCREEN)).as(s.label()).hasSizeGreaterThan(3);
      assertThat(c.entries(s, AssetKind.NOISE)).as(s.label()).hasSizeGreaterThan(1);
    }
    assertThat(c.classes(Split.TRAIN))
        .isEqualTo(c.classes(Split.TEST))
        .hasSize(19)
        .contains("telephone", "person");
    // backgrounds, off-screen sources and noise beds are whole files held out as well
    for (AssetKind k : List.of(AssetKind.BACKGROUND, AssetKind.NOISE, AssetKind.OFFSCREEN)) {
      Set<String> names = new HashSet<>();
      c.entries(Split.TRAIN, k).forEach(e -> names.add(e.pkg() + ":" + e.path()));
      c.entries(Split.TEST, k)
          .forEach(e -> assertThat(names).doesNotContain(e.pkg() + ":" + e.path()));
    }
  }

  @Test
  void everyBundledFileComesFromAPackageTheFetchScriptDownloadsWithAKnownLicence()
      throws IOException {
    String script = Files.readString(Path.of("fetch-benchmark-assets.sh"));
    Set<String> licences =
        Set.of(
            "GPL-2",
            "GPL-2+",
            "GPL-3+",
            "CC-BY-SA-2.0",
            "CC-BY-SA-3.0",
            "CC-BY-3.0",
            "CC-BY-4.0",
            "LGPL-3.0+",
            "MIT",
            "Apache-2.0",
            "public-domain");
    Set<String> packages = new TreeSet<>();
    for (CatalogEntry e : Catalog.bundled().entries()) {
      packages.add(e.pkg());
      assertThat(licences).as(e.path()).contains(e.licence());
      // Debian files, npm files, or files the script derives from them (rasterized, rendered)
      assertThat(e.path()).matches("(usr/share|npm|derived)/.*");
      if (e.path().startsWith("npm/")) {
        assertThat(e.pkg()).startsWith("npm:");
      }
      assertThat(e.fileName())
          .doesNotEndWith(".svg")
          .doesNotEndWith(".mp3")
          .doesNotEndWith(".flac");
      if (e.kind() == AssetKind.IMAGE || e.kind() == AssetKind.SOUND) {
        assertThat(e.group()).isIn("animal", "instrument", "device", "person");
      } else {
        assertThat(e.group()).isEqualTo("-");
      }
    }
    for (String p : packages) {
      if (p.startsWith("npm:")) {
        assertThat(script).as(p).contains("\"" + p.substring(4) + "\"");
      } else {
        assertThat(script).as(p).contains("\"" + p + "=");
      }
    }
  }

  @Test
  void aLineWithTheWrongColumnsIsNamed() {
    assertThatThrownBy(
            () ->
                Catalog.parse(List.of(HEADER, "# comment", "dog\timage\ttrain\ta.png"), "cat.tsv"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cat.tsv line 3")
        .hasMessageContaining("expected 7 tab-separated columns");
  }

  @Test
  void aFileListedTwiceIsRefusedEvenInAnotherSplit() {
    assertThatThrownBy(
            () ->
                Catalog.parse(
                    List.of(
                        "dog\timage\ttrain\tp/dog.png\tpkg\tGPL-2\tanimal",
                        "",
                        "dog\timage\ttest\tp/dog.png\tpkg\tGPL-2\tanimal"),
                    "cat.tsv"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cat.tsv line 3")
        .hasMessageContaining("already listed on line 1");
  }

  @Test
  void badValuesAreNamed() {
    assertThatThrownBy(
            () -> Catalog.parse(List.of("dog\tpicture\ttrain\tp.png\tpkg\tGPL-2\tanimal"), "c"))
        .hasMessageContaining("c line 1")
        .hasMessageContaining("kind must be image, sound, background, offscreen or noise");
    assertThatThrownBy(
            () -> Catalog.parse(List.of("dog\timage\tval\tp.png\tpkg\tGPL-2\tanimal"), "c"))
        .hasMessageContaining("split must be train or test, got 'val'");
    assertThatThrownBy(
            () -> Catalog.parse(List.of("dog\timage\ttrain\t/etc/p.png\tpkg\tGPL-2\tanimal"), "c"))
        .hasMessageContaining("path must be relative to the asset root");
    assertThatThrownBy(
            () -> Catalog.parse(List.of("dog\timage\ttrain\t../p.png\tpkg\tGPL-2\tanimal"), "c"))
        .hasMessageContaining("path must be relative to the asset root");
    assertThatThrownBy(
            () -> Catalog.parse(List.of("dog\timage\ttrain\tp.png\t \tGPL-2\tanimal"), "c"))
        .hasMessageContaining("column 'package' is empty");
    assertThatThrownBy(() -> Catalog.parse(List.of(HEADER), "c")).hasMessageContaining("no files");
  }

  @Test
  void aSplitWithAClassThatCannotBeHeardIsIncomplete() {
    Catalog c =
        Catalog.parse(
            List.of(
                "dog\timage\ttrain\td.png\tpkg\tGPL-2\tanimal",
                "dog\tsound\ttrain\td.wav\tpkg\tGPL-2\tanimal",
                "cat\timage\ttrain\tc.png\tpkg\tGPL-2\tanimal",
                "bg\tbackground\ttrain\tb.jpg\tpkg\tGPL-2\t-",
                "hiss\tnoise\ttrain\tn.wav\tpkg\tGPL-2\t-"),
            "c");

    assertThatThrownBy(() -> c.requireComplete(Split.TRAIN))
        .hasMessageContaining("train split: class 'cat' has images but no sounds");
    assertThat(c.classes(Split.TRAIN)).containsExactly("dog");
  }

  @Test
  void aMissingCatalogFileIsNamed(@org.junit.jupiter.api.io.TempDir Path tmp) {
    Path missing = tmp.resolve("none.tsv");
    assertThatThrownBy(() -> Catalog.load(missing))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(missing.toString())
        .hasMessageContaining("does not exist");
  }
}
