package io.avloc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.avloc.feed.SyntheticAssets;
import io.avloc.training.synth.AssetKind;
import io.avloc.training.synth.Catalog;
import io.avloc.training.synth.CatalogEntry;
import io.avloc.training.synth.Split;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The synthetic cameras of {@code avloc demo} show and play only media of the benchmark catalog's
 * test split (issue 10), so that the demo's live accuracy measures how the bundled model does on
 * pictures and sounds it was never trained on, and never media of a package reserved for the
 * independent evaluation set.
 *
 * <p>It lives in the cli module because this is where both sides are visible: the bundled set is a
 * resource of the feed module and the catalog one of the training module, and the feed must not
 * depend on training. It reads both from the class path, i.e. exactly what the demo loads. The
 * bundled {@code provenance.tsv} (written by {@code assets/fetch-assets.sh}) ties each file, by its
 * SHA-256, to a catalog path; a file changed, added or removed without the script fails here.
 */
class DemoAssetsProvenanceTest {

  private static final String PROVENANCE = SyntheticAssets.BUNDLED + "/provenance.tsv";
  private static final String HEADER =
      "file\tsha256\tclass\tkind\tsplit\tsource\tpackage\tlicence\tstyle";

  /** One row of provenance.tsv: a bundled file and the catalog row it was made from. */
  record Provenance(
      String file,
      String sha256,
      String label,
      String kind,
      String split,
      String source,
      String pkg,
      String licence) {

    static Provenance parse(String line) {
      String[] f = line.split("\t", -1);
      assertThat(f).as("provenance row: %s", line).hasSize(9);
      return new Provenance(f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7]);
    }
  }

  @Test
  void everyBundledFileComesFromATestSplitCatalogRowOfItsKindAndClass() {
    List<Provenance> rows = bundledProvenance();
    Map<String, CatalogEntry> catalog = byPath(Catalog.bundled().entries());
    assertThat(rows).hasSizeGreaterThanOrEqualTo(40);
    assertThat(problems(rows, catalog, reservedPackages())).isEmpty();
  }

  @Test
  void theProvenanceListsExactlyTheBundledFilesWithTheirChecksums() {
    List<Provenance> rows = bundledProvenance();
    assertThat(rows.stream().map(Provenance::file))
        .as("provenance.tsv against manifest.txt (regenerate with assets/fetch-assets.sh)")
        .containsExactlyInAnyOrderElementsOf(manifest());
    for (Provenance p : rows) {
      assertThat(sha256(resource(SyntheticAssets.BUNDLED + "/" + p.file())))
          .as("SHA-256 of %s (changed without assets/fetch-assets.sh?)", p.file())
          .isEqualTo(p.sha256());
    }
  }

  @Test
  void theLicencesPageNamesEveryBundledFileAndItsSource() {
    String licences = new String(resource("assets/LICENSES.md"), StandardCharsets.UTF_8);
    for (Provenance p : bundledProvenance()) {
      assertThat(licences)
          .as("LICENSES.md row of %s", p.file())
          .contains("| `" + p.file() + "` | " + p.source() + " | " + p.pkg() + " | " + p.licence());
    }
  }

  @Test
  void theDemoSeesTheClassesItsDocsName() {
    SyntheticAssets assets = SyntheticAssets.bundled();
    assertThat(assets.classes()).contains("person", "telephone").hasSizeGreaterThanOrEqualTo(8);
    for (String cls : assets.classes()) {
      assertThat(assets.sprites(cls)).as("pictures of %s", cls).hasSizeGreaterThanOrEqualTo(2);
      assertThat(assets.sounds(cls)).as("sounds of %s", cls).hasSizeGreaterThanOrEqualTo(2);
    }
  }

  @Test
  void aTrainingFileAReservedPackageAWrongKindOrClassOrAnUnknownSourceIsReported() {
    assertThat(fixtureProblems("objects/dog/a.png", "t/dog.png")).isEmpty();
    assertThat(fixtureProblems("backgrounds/p.jpg", "s/park.jpg")).isEmpty();
    assertThat(fixtureProblems("objects/dog/b.png", "q/dog.png"))
        .singleElement()
        .matches(m -> m.contains("train split"));
    assertThat(fixtureProblems("sounds/dog/c.wav", "g/dog.ogg"))
        .singleElement()
        .matches(m -> m.contains("reserved package heldout"));
    assertThat(fixtureProblems("sounds/dog/d.wav", "t/cat.ogg"))
        .singleElement()
        .matches(m -> m.contains("of class cat"));
    assertThat(fixtureProblems("offscreen/x/e.wav", "t/dog.png"))
        .singleElement()
        .matches(m -> m.contains("a catalog image, not offscreen"));
    assertThat(fixtureProblems("objects/dog/f.png", "nowhere.png"))
        .singleElement()
        .matches(m -> m.contains("not in the catalog"));
  }

  /**
   * {@link #problems} of one bundled file made from {@code source} of a small fixture catalog. Its
   * reserved packages are made-up names: the real ones stand in docs/benchmark-data.md only.
   */
  private static List<String> fixtureProblems(String file, String source) {
    Map<String, CatalogEntry> catalog =
        byPath(
            List.of(
                entry("dog", AssetKind.IMAGE, Split.TEST, "t/dog.png", "tuxpaint"),
                entry("dog", AssetKind.IMAGE, Split.TRAIN, "q/dog.png", "qabcs-data"),
                entry("dog", AssetKind.SOUND, Split.TEST, "g/dog.ogg", "heldout-sounds"),
                entry("cat", AssetKind.SOUND, Split.TEST, "t/cat.ogg", "tuxpaint"),
                entry("park", AssetKind.BACKGROUND, Split.TEST, "s/park.jpg", "scratch")));
    CatalogEntry e = catalog.get(source);
    Provenance p =
        new Provenance(
            file,
            "00",
            e == null ? "-" : e.label(),
            e == null ? "-" : e.kind().label(),
            "test",
            source,
            e == null ? "-" : e.pkg(),
            "GPL-2");
    return problems(List.of(p), catalog, List.of("heldout", "otherheldout"));
  }

  /**
   * What is wrong with the provenance of the bundled files; empty when each comes from a test-split
   * catalog row of the kind and class its folder names, and from no reserved package. The package
   * and licence are the catalog's, not the provenance file's word.
   */
  static List<String> problems(
      List<Provenance> rows, Map<String, CatalogEntry> catalog, List<String> reserved) {
    List<String> out = new ArrayList<>();
    for (Provenance p : rows) {
      CatalogEntry e = catalog.get(p.source());
      if (e == null) {
        out.add(p.file() + ": its source " + p.source() + " is not in the catalog");
        continue;
      }
      String[] parts = p.file().split("/");
      String kind =
          switch (parts[0]) {
            case "objects" -> AssetKind.IMAGE.label();
            case "sounds" -> AssetKind.SOUND.label();
            case "offscreen" -> AssetKind.OFFSCREEN.label();
            case "backgrounds" -> AssetKind.BACKGROUND.label();
            default -> "(none)";
          };
      if (e.split() != Split.TEST) {
        out.add(p.file() + ": " + p.source() + " is in the " + e.split().label() + " split");
      }
      if (!e.kind().label().equals(kind)) {
        out.add(
            p.file() + ": " + p.source() + " is a catalog " + e.kind().label() + ", not " + kind);
      }
      if ((parts[0].equals("objects") || parts[0].equals("sounds"))
          && (parts.length != 3 || !parts[1].equals(e.label()))) {
        out.add(p.file() + ": " + p.source() + " is of class " + e.label());
      }
      String where = (e.pkg() + " " + e.path()).toLowerCase(Locale.ROOT);
      for (String r : reserved) {
        if (where.contains(r)) {
          out.add(p.file() + ": " + p.source() + " comes from the reserved package " + r);
        }
      }
      if (!e.pkg().equals(p.pkg()) || !e.licence().equals(p.licence())) {
        out.add(
            p.file()
                + ": provenance says "
                + p.pkg()
                + " ("
                + p.licence()
                + "), the catalog "
                + e.pkg()
                + " ("
                + e.licence()
                + ")");
      }
    }
    return out;
  }

  private static CatalogEntry entry(
      String label, AssetKind kind, Split split, String path, String pkg) {
    return new CatalogEntry(label, kind, split, path, pkg, "GPL-2", "-");
  }

  private static Map<String, CatalogEntry> byPath(List<CatalogEntry> entries) {
    return entries.stream().collect(Collectors.toMap(CatalogEntry::path, e -> e));
  }

  private static List<Provenance> bundledProvenance() {
    List<String> lines = lines(resource(PROVENANCE));
    assertThat(lines).as("header of %s", PROVENANCE).first().isEqualTo(HEADER);
    return lines.stream().skip(1).map(Provenance::parse).toList();
  }

  private static List<String> manifest() {
    return lines(resource(SyntheticAssets.BUNDLED + "/manifest.txt")).stream()
        .filter(l -> !l.startsWith("#"))
        .toList();
  }

  /** The packages kept for the independent evaluation set, as docs/benchmark-data.md lists them. */
  private static List<String> reservedPackages() {
    String docs;
    try {
      docs = Files.readString(Path.of("..", "docs", "benchmark-data.md"));
    } catch (IOException e) {
      throw new AssertionError("cannot read docs/benchmark-data.md", e);
    }
    Matcher m =
        Pattern.compile(
                "<!-- reserved-packages -->\\s*(.+?)\\s*<!-- /reserved-packages -->",
                Pattern.DOTALL)
            .matcher(docs);
    assertThat(m.find()).as("the reserved-packages list in docs/benchmark-data.md").isTrue();
    List<String> reserved =
        Arrays.stream(m.group(1).split(",")).map(String::strip).filter(n -> !n.isEmpty()).toList();
    assertThat(reserved).hasSizeGreaterThanOrEqualTo(10);
    return reserved;
  }

  private static List<String> lines(byte[] text) {
    return new String(text, StandardCharsets.UTF_8)
        .lines()
        .map(String::strip)
        .filter(l -> !l.isEmpty())
        .toList();
  }

  private static byte[] resource(String name) {
    try (InputStream in =
        DemoAssetsProvenanceTest.class.getClassLoader().getResourceAsStream(name)) {
      assertThat(in).as("class-path resource %s", name).isNotNull();
      return in.readAllBytes();
    } catch (IOException e) {
      throw new AssertionError("cannot read " + name, e);
    }
  }

  private static String sha256(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
