package io.avloc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.avloc.core.metrics.VggssAnnotations;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataCommandTest {

  @TempDir Path tmp;

  private final CliRun cli = new CliRun();

  private int run(String... args) {
    return cli.run(args);
  }

  @Test
  void synthWritesTheBenchmarkAndPrintsASummary() throws IOException {
    Path catalog = fakeAssets(tmp.resolve("assets"));
    Path out = tmp.resolve("bench");

    int code =
        run(
            "data",
            "synth",
            "--out",
            out.toString(),
            "--clips",
            "6",
            "--split",
            "train",
            "--seed",
            "3",
            "--assets",
            tmp.resolve("assets").toString(),
            "--catalog",
            catalog.toString(),
            "--threads",
            "1");

    assertThat(code).as(cli.err()).isZero();
    assertThat(cli.out())
        .contains("wrote 6 train clips (seed 3) to " + out)
        .contains("clip types: single")
        .contains("heard:");
    assertThat(VggssAnnotations.read(out.resolve("vggss.json"))).hasSize(6);
    assertThat(Files.readAllLines(out.resolve("manifest.jsonl"))).hasSize(6);
    assertThat(out.resolve("frames/train_s3_000005.jpg")).isRegularFile();
    assertThat(out.resolve("audio/train_s3_000005.wav")).isRegularFile();
  }

  @Test
  void aBadSplitIsAOneLineUsageError() {
    assertThat(run("data", "synth", "--out", tmp.toString(), "--clips", "3", "--split", "val"))
        .isEqualTo(2);
    assertThat(cli.err().strip().lines()).hasSize(1);
    assertThat(cli.err())
        .contains("avloc data synth: --split must be train or test, got 'val'")
        .contains("see 'avloc data synth --help'");
  }

  @Test
  void badCountsAreUsageErrors() {
    assertThat(run("data", "synth", "--out", tmp.toString(), "--clips", "0")).isEqualTo(2);
    assertThat(cli.err()).contains("--clips must be at least 1, got 0");
    cli.clear();
    assertThat(run("data", "synth", "--out", tmp.toString(), "--clips", "many")).isEqualTo(2);
    assertThat(cli.err()).contains("'many'").contains("--clips");
    cli.clear();
    assertThat(run("data", "synth", "--out", tmp.toString(), "--clips", "2", "--threads", "0"))
        .isEqualTo(2);
    assertThat(cli.err()).contains("--threads must be at least 1");
    cli.clear();
    assertThat(run("data", "synth", "--clips", "2")).isEqualTo(2);
    assertThat(cli.err()).contains("Missing required option: '--out=DIR'");
  }

  @Test
  void aFolderHoldingOtherThingsIsNotOverwritten() throws IOException {
    Files.writeString(tmp.resolve("thesis.tex"), "precious");

    assertThat(run("data", "synth", "--out", tmp.toString(), "--clips", "2")).isEqualTo(2);
    assertThat(cli.err().strip().lines()).hasSize(1);
    assertThat(cli.err()).contains("--out:").contains("is not empty");
    assertThat(tmp.resolve("thesis.tex")).hasContent("precious");
  }

  @Test
  void missingAssetsFailWithTheCommandToRun() {
    Path cache = tmp.resolve("no-cache");

    int code =
        run(
            "data",
            "synth",
            "--out",
            tmp.resolve("o").toString(),
            "--clips",
            "2",
            "--assets",
            cache.toString());

    assertThat(code).isEqualTo(1);
    assertThat(cli.err().strip().lines()).hasSize(1);
    assertThat(cli.err())
        .contains(cache.toString())
        .contains("does not exist")
        .contains("training/fetch-benchmark-assets.sh");
  }

  @Test
  void aBrokenCatalogIsNamed() throws IOException {
    Path catalog = tmp.resolve("c.tsv");
    Files.writeString(catalog, "dog\timage\n");

    assertThat(
            run(
                "data",
                "synth",
                "--out",
                tmp.resolve("o").toString(),
                "--clips",
                "2",
                "--catalog",
                catalog.toString()))
        .isEqualTo(2);
    assertThat(cli.err()).contains("--catalog:").contains("c.tsv line 1");
  }

  @Test
  void catalogPrintsTheCountsAndNamesFilesMissingFromTheCache() throws IOException {
    Path catalog = fakeAssets(tmp.resolve("assets"));

    assertThat(
            run(
                "data",
                "catalog",
                "--catalog",
                catalog.toString(),
                "--assets",
                tmp.resolve("assets").toString()))
        .as(cli.err())
        .isZero();
    assertThat(cli.out())
        .contains("| class | group | train pictures (photo / clip-art / emoji)")
        .contains("catalogued files present");

    List<String> lines = new ArrayList<>(Files.readAllLines(catalog));
    lines.add("cyan\timage\ttrain\tpics/gone.png\tfake-media\tCC0-1.0\tanimal\temoji");
    Files.write(catalog, lines);
    CliRun again = new CliRun();
    assertThat(
            again.run(
                "data",
                "catalog",
                "--catalog",
                catalog.toString(),
                "--assets",
                tmp.resolve("assets").toString()))
        .isEqualTo(1);
    assertThat(again.out())
        .contains("missing: pics/gone.png (package fake-media)")
        .contains("training/fetch-benchmark-assets.sh");
  }

  @Test
  void theBundledCatalogHasTelephoneAndPersonSpeakingOnScreen() {
    assertThat(run("data", "catalog")).as(cli.err()).isZero();
    assertThat(cli.out()).contains("| telephone | device |").contains("| person | person |");
  }

  /** Two classes (cut-out + tone each), a background and a noise bed; returns the catalog. */
  private static Path fakeAssets(Path root) throws IOException {
    List<String> rows = new ArrayList<>();
    String[] classes = {"red", "blue"};
    Color[] colours = {Color.RED, Color.BLUE};
    for (int c = 0; c < classes.length; c++) {
      BufferedImage cut = new BufferedImage(80, 60, BufferedImage.TYPE_INT_ARGB);
      Graphics2D g = cut.createGraphics();
      g.setColor(colours[c]);
      g.fillOval(5, 5, 70, 50);
      g.dispose();
      write(root.resolve(classes[c] + ".png"), cut, "png");
      wav(root.resolve(classes[c] + ".wav"), 440 * (c + 1));
      rows.add(row(classes[c], "image", classes[c] + ".png", "animal"));
      rows.add(row(classes[c], "sound", classes[c] + ".wav", "animal"));
    }
    BufferedImage bg = new BufferedImage(300, 200, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = bg.createGraphics();
    g.setColor(Color.GRAY);
    g.fillRect(0, 0, 300, 200);
    g.dispose();
    write(root.resolve("bg.jpg"), bg, "jpg");
    rows.add(row("field", "background", "bg.jpg", "-"));
    wav(root.resolve("hiss.wav"), 3000);
    rows.add(row("hiss", "noise", "hiss.wav", "-"));
    Path catalog = root.resolve("catalog.tsv");
    Files.write(catalog, rows, StandardCharsets.UTF_8);
    return catalog;
  }

  private static String row(String cls, String kind, String path, String group) {
    return String.join("\t", cls, kind, "train", path, "fake", "CC0-1.0", group);
  }

  private static void write(Path file, BufferedImage img, String format) throws IOException {
    Files.createDirectories(file.getParent());
    ImageIO.write(img, format, file.toFile());
  }

  private static void wav(Path file, double hz) throws IOException {
    int n = 16000;
    ByteBuffer b = ByteBuffer.allocate(44 + 2 * n).order(ByteOrder.LITTLE_ENDIAN);
    b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + 2 * n);
    b.put("WAVEfmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16);
    b.putShort((short) 1).putShort((short) 1).putInt(16000).putInt(32000);
    b.putShort((short) 2).putShort((short) 16);
    b.put("data".getBytes(StandardCharsets.US_ASCII)).putInt(2 * n);
    for (int i = 0; i < n; i++) {
      b.putShort((short) (12000 * Math.sin(2 * Math.PI * hz * i / 16000)));
    }
    Files.write(file, b.array());
  }
}
