package io.avloc.training.synth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.avloc.core.audio.AudioClip;
import io.avloc.core.audio.AudioDecoder;
import io.avloc.core.metrics.NormalizedBox;
import io.avloc.core.metrics.VggssAnnotation;
import io.avloc.core.metrics.VggssAnnotations;
import io.avloc.core.serde.Json;
import io.avloc.training.data.Annotation;
import io.avloc.training.data.Datasets;
import io.avloc.training.data.LoadedDataset;
import io.avloc.training.data.Sample;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SynthBenchmarkTest {

  @TempDir static Path shared;
  @TempDir Path tmp;

  private static Path root;
  private static Catalog catalog;

  @BeforeAll
  static void fakeAssets() throws IOException {
    root = shared.resolve("assets");
    catalog = Catalog.load(FakeAssets.create(root));
  }

  private static SynthSummary generate(Path out, int clips, Split split, long seed, int threads) {
    return SynthBenchmark.generate(catalog, root, out, clips, split, seed, threads, n -> {});
  }

  private static List<JsonNode> manifest(Path out) throws IOException {
    List<JsonNode> lines = new ArrayList<>();
    for (String l : Files.readAllLines(out.resolve(SynthBenchmark.MANIFEST))) {
      lines.add(Json.MAPPER.readTree(l));
    }
    return lines;
  }

  @Test
  void writesFramesAudioAndAnnotationsInTheVggssLayout() throws IOException {
    Path out = tmp.resolve("bench");
    AtomicLong progress = new AtomicLong();
    SynthSummary summary =
        SynthBenchmark.generate(catalog, root, out, 40, Split.TRAIN, 3, 2, progress::addAndGet);

    assertThat(progress.get()).isEqualTo(40);
    assertThat(summary.clips()).isEqualTo(40);
    List<VggssAnnotation> annotations = VggssAnnotations.read(out.resolve("vggss.json"));
    List<JsonNode> manifest = manifest(out);
    assertThat(annotations).hasSize(40);
    assertThat(manifest).hasSize(40);
    try (Stream<Path> frames = Files.list(out.resolve("frames"));
        Stream<Path> audio = Files.list(out.resolve("audio"))) {
      assertThat(frames.count()).isEqualTo(40);
      assertThat(audio.count()).isEqualTo(40);
    }
    int boxes = 0;
    for (int i = 0; i < annotations.size(); i++) {
      VggssAnnotation a = annotations.get(i);
      JsonNode m = manifest.get(i);
      assertThat(m.get("file").asText()).isEqualTo(a.file());
      assertThat(a.file()).isEqualTo(String.format("train_s3_%06d", i));

      BufferedImage frame = ImageIO.read(out.resolve("frames/" + a.file() + ".jpg").toFile());
      assertThat(frame).as(a.file()).isNotNull();
      assertThat(frame.getWidth()).isEqualTo(256);
      assertThat(frame.getHeight()).isEqualTo(256);

      Path wav = out.resolve("audio/" + a.file() + ".wav");
      ByteBuffer header = ByteBuffer.wrap(Files.readAllBytes(wav)).order(ByteOrder.LITTLE_ENDIAN);
      assertThat(header.getShort(20)).as("PCM").isEqualTo((short) 1);
      assertThat(header.getShort(22)).as("channels").isEqualTo((short) 1);
      assertThat(header.getInt(24)).as("rate").isEqualTo(16000);
      assertThat(header.getShort(34)).as("bits").isEqualTo((short) 16);
      AudioClip clip = AudioDecoder.read(wav);
      assertThat(clip.sampleRate()).isEqualTo(16000);
      assertThat(clip.durationSeconds()).isGreaterThanOrEqualTo(3.0);
      float peak = 0;
      for (float v : clip.samples()) {
        peak = Math.max(peak, Math.abs(v));
      }
      assertThat(peak).as("not silent, not clipped").isBetween(0.05f, 0.96f);

      String type = m.get("type").asText();
      int expected =
          switch (type) {
            case "single" -> 1;
            case "two_sources" -> 2;
            default -> 0;
          };
      assertThat(a.boxes()).as(a.file() + " " + type).hasSize(expected);
      for (NormalizedBox b : a.boxes()) {
        assertThat(b.x1()).isBetween(0.0, 1.0);
        assertThat(b.y1()).isBetween(0.0, 1.0);
        assertThat(b.x2()).isBetween(0.0, 1.0).isGreaterThan(b.x1());
        assertThat(b.y2()).isBetween(0.0, 1.0).isGreaterThan(b.y1());
      }
      boxes += a.boxes().size();
      assertThat(a.soundClass()).isEqualTo(m.get("class").asText()).isNotEmpty();
    }
    assertThat(summary.boxes()).isEqualTo(boxes);
    assertThat(summary.byType().values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(40);
  }

  @Test
  void theOutputOpensAsAVggssDatasetWithNothingLeftOut() {
    Path out = tmp.resolve("bench");
    generate(out, 20, Split.TEST, 4, 2);

    LoadedDataset d = Datasets.open(out, "auto");
    assertThat(d.format()).isEqualTo("vggss");
    assertThat(d.warnings()).isEmpty();
    assertThat(d.samples()).hasSize(20);
    Map<String, List<NormalizedBox>> truth = new HashMap<>();
    VggssAnnotations.read(out.resolve("vggss.json")).forEach(a -> truth.put(a.file(), a.boxes()));
    for (Sample s : d.samples()) {
      assertThat(s.annotation()).isEqualTo(new Annotation.Vggss(truth.get(s.id())));
      assertThat(s.image()).isEqualTo(out.resolve("frames/" + s.id() + ".jpg"));
      assertThat(s.audio()).isEqualTo(out.resolve("audio/" + s.id() + ".wav"));
    }
  }

  @Test
  void everyManifestLineNamesThePackageAndLicenceOfEveryFileUsed() throws IOException {
    Path out = tmp.resolve("bench");
    generate(out, 40, Split.TRAIN, 11, 2);

    for (JsonNode m : manifest(out)) {
      List<JsonNode> files = new ArrayList<>();
      files.add(m.get("background"));
      m.get("objects").forEach(files::add);
      m.get("audio_sources").forEach(files::add);
      assertThat(m.get("objects").size()).isBetween(1, 4);
      for (JsonNode f : files) {
        assertThat(f.get("src_file").asText()).as(m.get("file").asText()).isNotEmpty();
        assertThat(Files.isRegularFile(root.resolve(f.get("src_file").asText()))).isTrue();
        assertThat(f.get("package").asText()).isEqualTo(FakeAssets.PACKAGE);
        assertThat(f.get("licence").asText()).isEqualTo(FakeAssets.LICENCE);
      }
      assertThat(m.get("seed").asLong()).isEqualTo(11);
      boolean noiseOnly = m.get("type").asText().equals("noise_only");
      assertThat(m.get("snr_db").isNull()).isEqualTo(noiseOnly);
      if (!noiseOnly) {
        assertThat(m.get("snr_db").asDouble()).isBetween(5.0, 20.0);
      }
      long sounding = 0;
      for (JsonNode o : m.get("objects")) {
        if (o.get("is_sounding").asBoolean()) {
          sounding++;
          assertThat(o.get("visible_fraction").asDouble()).isGreaterThanOrEqualTo(0.25);
          assertThat(o.get("bbox").isArray()).isTrue();
        }
      }
      assertThat(sounding).isEqualTo(m.get("bbox").size());
    }
  }

  @Test
  void theSameArgumentsGiveTheSameBytesWhateverTheThreads() throws IOException {
    Path a = tmp.resolve("a");
    Path b = tmp.resolve("b");
    Path c = tmp.resolve("c");
    generate(a, 25, Split.TEST, 42, 2);
    generate(b, 25, Split.TEST, 42, 1);
    generate(c, 25, Split.TEST, 43, 2);

    Map<String, byte[]> first = files(a);
    Map<String, byte[]> second = files(b);
    Map<String, byte[]> other = files(c);
    assertThat(second.keySet()).isEqualTo(first.keySet());
    first.forEach((name, bytes) -> assertThat(second.get(name)).as(name).isEqualTo(bytes));
    assertThat(other.get("vggss.json")).isNotEqualTo(first.get("vggss.json"));
    assertThat(other.get("audio/test_s43_000000.wav"))
        .isNotEqualTo(first.get("audio/test_s42_000000.wav"));
    assertThat(other.get("frames/test_s43_000000.jpg"))
        .isNotEqualTo(first.get("frames/test_s42_000000.jpg"));
  }

  private static Map<String, byte[]> files(Path dir) throws IOException {
    Map<String, byte[]> out = new HashMap<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        out.put(dir.relativize(p).toString(), Files.readAllBytes(p));
      }
    }
    return out;
  }

  @Test
  void eachBoxIsWhereTheSoundingCutOutIsSeen() throws IOException {
    Path out = tmp.resolve("bench");
    generate(out, 60, Split.TRAIN, 5, 2);

    int checked = 0;
    for (JsonNode m : manifest(out)) {
      if (m.get("bbox").isEmpty()) {
        continue;
      }
      BufferedImage frame = ImageIO.read(out.resolve(m.get("frame").asText()).toFile());
      for (JsonNode o : m.get("objects")) {
        if (!o.get("is_sounding").asBoolean()) {
          continue;
        }
        String cls = o.get("class").asText();
        JsonNode b = o.get("bbox");
        int[] truth = {
          (int) (b.get(0).asDouble() * 256),
          (int) (b.get(1).asDouble() * 256),
          (int) (b.get(2).asDouble() * 256) - 1,
          (int) (b.get(3).asDouble() * 256) - 1
        };
        String what = m.get("file").asText() + " " + cls + " " + b;
        int[] seen = colourBox(frame, cls);
        assertThat(seen).as(what + " is seen").isNotNull();
        // Every pixel showing the cut-out's colour lies in the box (give or take the soft edge
        // and JPEG's chroma blur) and the box is not much bigger than what shows the colour
        // (a thin sliver between two other objects may lose its colour to their soft edges).
        assertThat(seen[0]).as(what).isGreaterThanOrEqualTo(truth[0] - 2);
        assertThat(seen[1]).as(what).isGreaterThanOrEqualTo(truth[1] - 2);
        assertThat(seen[2]).as(what).isLessThanOrEqualTo(truth[2] + 2);
        assertThat(seen[3]).as(what).isLessThanOrEqualTo(truth[3] + 2);
        assertThat(iou(seen, truth)).as(what).isGreaterThan(0.85);
        checked++;
      }
      assertThat(m.get("bbox")).contains(soundingBoxes(m));
    }
    assertThat(checked).isGreaterThanOrEqualTo(40);
  }

  /** Intersection over union of two inclusive pixel boxes. */
  private static double iou(int[] a, int[] b) {
    int w = Math.min(a[2], b[2]) - Math.max(a[0], b[0]) + 1;
    int h = Math.min(a[3], b[3]) - Math.max(a[1], b[1]) + 1;
    double inter = Math.max(0, w) * (double) Math.max(0, h);
    double areaA = (a[2] - a[0] + 1.0) * (a[3] - a[1] + 1);
    double areaB = (b[2] - b[0] + 1.0) * (b[3] - b[1] + 1);
    return inter / (areaA + areaB - inter);
  }

  private static JsonNode[] soundingBoxes(JsonNode m) {
    List<JsonNode> boxes = new ArrayList<>();
    m.get("objects")
        .forEach(
            o -> {
              if (o.get("is_sounding").asBoolean()) {
                boxes.add(o.get("bbox"));
              }
            });
    return boxes.toArray(new JsonNode[0]);
  }

  /** The tight box of the frame pixels that show {@code cls}'s colour, or null. */
  private static int[] colourBox(BufferedImage frame, String cls) {
    int[] box = null;
    for (int y = 0; y < frame.getHeight(); y++) {
      for (int x = 0; x < frame.getWidth(); x++) {
        if (cls.equals(FakeAssets.classOf(frame.getRGB(x, y)))) {
          if (box == null) {
            box = new int[] {x, y, x, y};
          }
          box[0] = Math.min(box[0], x);
          box[1] = Math.min(box[1], y);
          box[2] = Math.max(box[2], x);
          box[3] = Math.max(box[3], y);
        }
      }
    }
    return box;
  }

  @Test
  void clipTypesComeInTheirSharesAndHearWhatTheTypeSays() throws IOException {
    Path out = tmp.resolve("bench");
    SynthSummary summary = generate(out, 200, Split.TRAIN, 9, 2);

    assertThat(summary.byType())
        .containsExactly(
            Map.entry("single", 120),
            Map.entry("offscreen", 30),
            Map.entry("mismatched", 20),
            Map.entry("two_sources", 20),
            Map.entry("noise_only", 10));
    int fromPool = 0;
    for (JsonNode m : manifest(out)) {
      List<String> seen = new ArrayList<>();
      m.get("objects").forEach(o -> seen.add(o.get("class").asText()));
      List<JsonNode> heard = new ArrayList<>();
      m.get("audio_sources").forEach(s -> heard.add(s));
      JsonNode noise = heard.remove(heard.size() - 1);
      assertThat(noise.get("role").asText()).isEqualTo("noise");
      String type = m.get("type").asText();
      switch (type) {
        case "single", "two_sources" -> {
          assertThat(heard).hasSize(type.equals("single") ? 1 : 2);
          heard.forEach(
              s -> {
                assertThat(s.get("role").asText()).isEqualTo("on_screen");
                assertThat(seen).contains(s.get("class").asText());
              });
        }
        case "offscreen", "mismatched" -> {
          assertThat(heard).hasSize(1);
          String h = heard.get(0).get("class").asText();
          assertThat(seen).doesNotContain(h);
          if (h.equals("siren")) {
            fromPool++;
            assertThat(type).isEqualTo("offscreen");
          }
        }
        default -> assertThat(heard).isEmpty();
      }
    }
    assertThat(fromPool).as("off-screen pool used").isBetween(10, 30);
  }

  @Test
  void aMissingAssetFolderSaysWhatToRun() {
    Path missing = tmp.resolve("no-such-cache");
    assertThatThrownBy(
            () ->
                SynthBenchmark.generate(
                    catalog, missing, tmp.resolve("out"), 5, Split.TRAIN, 1, 1, n -> {}))
        .isInstanceOf(AssetException.class)
        .hasMessageContaining(missing.toString())
        .hasMessageContaining("does not exist")
        .hasMessageContaining("training/fetch-benchmark-assets.sh");
  }

  @Test
  void aMissingFileIsNamedWithItsPackage() throws IOException {
    Path partial = tmp.resolve("cache");
    Path partialRoot = partial.resolve("root");
    Catalog c = Catalog.load(FakeAssets.create(partialRoot));
    Files.delete(partialRoot.resolve("sounds/test/cyan.wav"));

    // the train split is complete and works through the cache folder's root/
    SynthBenchmark.generate(c, partial, tmp.resolve("ok"), 3, Split.TRAIN, 1, 1, n -> {});
    assertThatThrownBy(
            () ->
                SynthBenchmark.generate(
                    c, partial, tmp.resolve("out"), 3, Split.TEST, 1, 1, n -> {}))
        .isInstanceOf(AssetException.class)
        .hasMessageContaining("incomplete")
        .hasMessageContaining("sounds/test/cyan.wav")
        .hasMessageContaining("package " + FakeAssets.PACKAGE)
        .hasMessageContaining("training/fetch-benchmark-assets.sh");
    assertThat(tmp.resolve("out")).doesNotExist();
  }

  @Test
  void aFileThatIsNotACutOutIsRefused() throws IOException {
    Path other = tmp.resolve("root");
    Catalog c = Catalog.load(FakeAssets.create(other));
    Files.copy(
        other.resolve("backgrounds/train0.jpg"),
        other.resolve("pics/train/cyan.png"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);

    assertThatThrownBy(
            () ->
                SynthBenchmark.generate(
                    c, other, tmp.resolve("out"), 1, Split.TRAIN, 1, 1, n -> {}))
        .isInstanceOf(AssetException.class)
        .hasMessageContaining("pics/train/cyan.png")
        .hasMessageContaining("no transparent pixels");
  }

  @Test
  void refusesAFolderThatHoldsSomethingElse() throws IOException {
    Path out = tmp.resolve("mine");
    Files.createDirectories(out);
    Files.writeString(out.resolve("notes.txt"), "keep me");

    assertThatThrownBy(() -> generate(out, 5, Split.TRAIN, 1, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not empty and is not the output of avloc data synth");
    assertThat(out.resolve("notes.txt")).hasContent("keep me");
  }

  @Test
  void replacesAnEarlierOutputButNotForeignFilesInIt() throws IOException {
    Path out = tmp.resolve("bench");
    generate(out, 30, Split.TRAIN, 1, 2);
    generate(out, 10, Split.TRAIN, 2, 2);

    try (Stream<Path> frames = Files.list(out.resolve("frames"))) {
      assertThat(frames.map(p -> p.getFileName().toString()))
          .hasSize(10)
          .allMatch(n -> n.startsWith("train_s2_"));
    }
    assertThat(VggssAnnotations.read(out.resolve("vggss.json"))).hasSize(10);

    Files.writeString(out.resolve("audio/readme.txt"), "mine");
    assertThatThrownBy(() -> generate(out, 10, Split.TRAIN, 3, 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("readme.txt");
  }

  @Test
  void badCountsAreRefused() {
    assertThatThrownBy(() -> generate(tmp.resolve("o"), 0, Split.TRAIN, 1, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 1");
    assertThatThrownBy(() -> generate(tmp.resolve("o"), 3, Split.TRAIN, 1, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("threads");
  }
}
