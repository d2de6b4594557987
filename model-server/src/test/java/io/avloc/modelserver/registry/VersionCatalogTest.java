package io.avloc.modelserver.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VersionCatalogTest {

  @TempDir Path models;
  private final List<Path> versionFolders = new ArrayList<>();
  private final AtomicInteger changes = new AtomicInteger();
  private VersionCatalog catalog;

  @BeforeEach
  void open() {
    catalog = new VersionCatalog(models, versionFolders::add, changes::incrementAndGet);
  }

  @Test
  void listsTheVersionFoldersNewestFirstSkippingHiddenFoldersAndFiles() throws Exception {
    for (String v : List.of("2", "10", "9", ".incoming-11")) {
      Files.createDirectories(models.resolve(v));
    }
    Files.writeString(models.resolve("README"), "not a version");

    List<VersionCandidate> all = catalog.candidates(null);

    assertThat(all)
        .extracting(VersionCandidate::version, VersionCandidate::dir, VersionCandidate::fromFolder)
        .containsExactly(
            tuple("10", models.resolve("10"), true),
            tuple("9", models.resolve("9"), true),
            tuple("2", models.resolve("2"), true));
    assertThat(versionFolders)
        .as("each version folder is handed on to be watched")
        .containsExactlyInAnyOrder(models.resolve("2"), models.resolve("9"), models.resolve("10"));
  }

  @Test
  void anAnnouncedVersionCompetesByVersionOrderAndComesAfterAnEqualFolder() throws Exception {
    Files.createDirectories(models.resolve("3"));
    Files.createDirectories(models.resolve("5"));
    Path shared = models.resolve(".shared");

    catalog.announce("key-a", "5", shared.resolve("a"));
    catalog.announce("key-b", "4", shared.resolve("b/../b"));

    assertThat(catalog.candidates(null))
        .extracting(VersionCandidate::version, VersionCandidate::source, VersionCandidate::dir)
        .containsExactly(
            tuple("5", VersionCandidate.FOLDER, models.resolve("5")),
            tuple("5", "key-a", shared.resolve("a")),
            tuple("4", "key-b", shared.resolve("b")),
            tuple("3", VersionCandidate.FOLDER, models.resolve("3")));
    assertThat(changes).as("each announcement wakes the registry").hasValue(2);
  }

  @Test
  void theServedAnnouncementStaysACandidateWhenReplacedButNotOnceWithdrawn() {
    catalog.announce("key", "7", models.resolve(".v7"));
    VersionCandidate served = catalog.candidates(null).get(0);
    catalog.announce("key", "8", models.resolve(".v8"));

    assertThat(catalog.candidates(served))
        .as("7 serves until 8 loads")
        .extracting(VersionCandidate::version)
        .containsExactly("8", "7");

    catalog.withdraw("key");
    assertThat(catalog.candidates(served)).isEmpty();
    catalog.withdraw("key");
    assertThat(changes).as("withdrawing nothing wakes nobody").hasValue(3);
  }
}
