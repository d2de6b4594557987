package io.avloc.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import io.avloc.core.artifact.ModelArtifact;
import io.avloc.core.artifact.ModelExporter;
import io.avloc.core.audio.AudioPreprocessor;
import io.avloc.core.heatmap.HeatmapUpsampler;
import io.avloc.core.heatmap.MinMax;
import io.avloc.core.heatmap.Upsampling;
import io.avloc.core.image.ImageDecoder;
import io.avloc.core.image.ImagePreprocessor;
import io.avloc.core.metrics.ConsensusIou;
import io.avloc.core.metrics.GroundTruth;
import io.avloc.core.metrics.NormalizedBox;
import io.avloc.core.model.Preset;
import io.avloc.core.model.ResNet18Trunk;
import io.avloc.core.serde.Json;
import io.avloc.modelserver.engine.EngineKind;
import io.avloc.modelserver.engine.EngineOptions;
import io.avloc.modelserver.engine.Engines;
import io.avloc.modelserver.engine.InferenceEngine;
import io.avloc.training.eval.MapFile;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code avloc eval} on small test sets written here, with a real (untrained) lite model. */
class EvalCommandTest {

  @TempDir static Path shared;
  private static Path model;

  @TempDir Path tmp;

  private final CliRun cli = new CliRun();

  @BeforeAll
  static void exportModel() throws IOException {
    model = shared.resolve("model");
    ModelExporter.exportUntrained(
        Preset.LITE, ModelExporter.Description.untrained("eval-test", "0", 5), 5, model);
  }

  private int run(String... args) {
    return cli.run(args);
  }

  /** A VGG-SS test set: three clips with boxes, one without, one listed but not downloaded. */
  private Path vggss() throws IOException {
    Path root = tmp.resolve("vggss");
    writeClip(root, "clip_a", "jpg", 96, 64, 16_000, 1);
    writeClip(root, "clip_b", "png", 80, 80, 44_100, 2);
    writeClip(root, "clip_c", "jpg", 64, 96, 16_000, 3);
    writeClip(root, "clip_off", "png", 64, 64, 16_000, 4);
    Files.writeString(
        root.resolve("vggss.json"),
        """
        [
          {"file": "clip_a", "class": "dog barking", "bbox": [[0.1, 0.1, 0.6, 0.7]]},
          {"file": "clip_b", "class": "violin", "bbox": [[0.5, 0.2, 0.9, 0.8], [0, 0, 0.2, 0.2]]},
          {"file": "clip_c", "class": "cat meowing", "bbox": [[0.2, 0.3, 0.8, 0.9]]},
          {"file": "clip_off", "class": "wind noise", "bbox": []},
          {"file": "clip_missing", "class": "piano", "bbox": [[0, 0, 1, 1]]}
        ]
        """);
    return root;
  }

  @Test
  void scoresAVggssTestSetAndWritesTheReportMapsAndOverlays() throws Exception {
    Path data = vggss();
    Path json = tmp.resolve("out/report.json");
    Path maps = tmp.resolve("maps");
    Path overlays = tmp.resolve("overlays");

    int code =
        run(
            "eval",
            "--model",
            model.toString(),
            "--data",
            data.toString(),
            "--batch",
            "3",
            "--json",
            json.toString(),
            "--maps",
            maps.toString(),
            "--overlays",
            overlays.toString());

    assertThat(code).as(cli.err()).isZero();
    JsonNode r = Json.MAPPER.readTree(json.toFile());
    String out = cli.out();
    assertThat(out)
        .contains("model      eval-test@0 (method random, preset lite, image 160x160)")
        .contains("(vggss): 4 clips; 1 of 5 clips listed in")
        .contains("left out because their files are missing: clip_missing (no frame, no audio)")
        .contains("map        av, upsampled bilinear (align_corners=True) to 224x224")
        .contains("N          3 clips with a visible source, 1 without")
        .contains(line("cIoU      ", r.get("ciou")))
        .contains(line("AUC       ", r.get("auc")))
        .contains(line("mean cIoU ", r.get("mean_ciou")))
        .contains(line("pointing  ", r.get("pointing")))
        .contains(line("oracle    ", r.get("oracle_ciou")))
        .contains(
            String.format(
                Locale.ROOT, "on/off-screen AP %6.2f", 100 * r.get("onscreen_ap").asDouble()))
        .contains("report     " + json);
    assertThat(cli.err()).contains("eval av").contains("4/4 clips");

    assertThat(r.get("n").asInt()).isEqualTo(3);
    assertThat(r.get("n_offscreen").asInt()).isEqualTo(1);
    assertThat(r.get("image_size").asInt()).isEqualTo(160);
    assertThat(r.get("onscreen_ap").asDouble()).isBetween(0.0, 1.0);
    JsonNode perSample = r.get("per_sample");
    assertThat(perSample).hasSize(3);
    int successes = 0;
    for (JsonNode s : perSample) {
      successes += s.get("ciou").asDouble() >= 0.5 ? 1 : 0;
    }
    assertThat(r.get("ciou").asDouble()).isCloseTo(successes / 3.0, within(1e-12));

    // each written map is the one that was scored
    List<List<NormalizedBox>> boxes =
        List.of(
            List.of(new NormalizedBox(0.1, 0.1, 0.6, 0.7)),
            List.of(new NormalizedBox(0.5, 0.2, 0.9, 0.8), new NormalizedBox(0, 0, 0.2, 0.2)),
            List.of(new NormalizedBox(0.2, 0.3, 0.8, 0.9)));
    for (int i = 0; i < 3; i++) {
      JsonNode s = perSample.get(i);
      assertThat(s.get("file").asText()).isEqualTo(List.of("clip_a", "clip_b", "clip_c").get(i));
      float[] map = MapFile.read(maps.resolve(s.get("file").asText() + ".f32"));
      assertThat(map).hasSize(224 * 224);
      assertThat(s.get("ciou").asDouble())
          .isCloseTo(ConsensusIou.of(widen(map), GroundTruth.vggss(boxes.get(i))), within(1e-6));
    }
    assertThat(maps.resolve("clip_off.f32")).exists();

    // the map is the ONNX model's own-pair map for the preprocessed clip, upsampled to 224
    double[] expected =
        expectedAvMap(data.resolve("frames/clip_a.jpg"), data.resolve("audio/clip_a.wav"));
    float[] written = MapFile.read(maps.resolve("clip_a.f32"));
    for (int i = 0; i < written.length; i += 31) {
      assertThat((double) written[i]).as("pixel %d", i).isCloseTo(expected[i], within(1e-4));
    }

    try (Stream<Path> pngs = Files.list(overlays)) {
      assertThat(pngs.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("clip_a.png", "clip_b.png", "clip_c.png", "clip_off.png");
    }
    BufferedImage overlay = ImageIO.read(overlays.resolve("clip_a.png").toFile());
    assertThat(overlay.getWidth()).isEqualTo(96);
    assertThat(overlay.getHeight()).isEqualTo(64);
  }

  @Test
  void scoresAFlickrTestSetWithBicubicUpsampling() throws Exception {
    Path root = tmp.resolve("flickr");
    writeClip(root, "1001", "jpg", 72, 72, 16_000, 7);
    writeClip(root, "1002", "jpg", 72, 72, 16_000, 8);
    Files.createDirectories(root.resolve("Annotations"));
    for (String id : List.of("1001", "1002")) {
      Files.writeString(
          root.resolve("Annotations").resolve(id + ".xml"),
          "<annotation><filename>"
              + id
              + ".jpg</filename><object>"
              + "<bbox><a>1</a><xmin>40</xmin><ymin>64</ymin><xmax>168</xmax><ymax>200</ymax></bbox>"
              + "<bbox><a>2</a><xmin>50</xmin><ymin>60</ymin><xmax>180</xmax><ymax>210</ymax></bbox>"
              + "<bbox><a>3</a><xmin>0</xmin><ymin>0</ymin><xmax>100</xmax><ymax>100</ymax></bbox>"
              + "</object></annotation>");
    }
    Path json = tmp.resolve("flickr.json");

    int code =
        run(
            "eval",
            "--model",
            model.toString(),
            "--data",
            root.toString(),
            "--upsample",
            "bicubic",
            "--json",
            json.toString());

    assertThat(code).as(cli.err()).isZero();
    assertThat(cli.out())
        .contains("(flickr): 2 clips")
        .contains("upsampled bicubic to 224x224")
        .contains("N          2 clips with a visible source, 0 without")
        .contains("on/off-screen AP  n/a (no clip without a visible source)");
    JsonNode r = Json.MAPPER.readTree(json.toFile());
    assertThat(r.get("upsample").asText()).isEqualTo("bicubic");
    assertThat(r.get("onscreen_ap").isNull()).isTrue();
    assertThat(r.get("per_sample")).hasSize(2);
  }

  @Test
  void theOglMapRunsTheImageNetNetworkFromTheGivenWeights() throws Exception {
    Path weights = tmp.resolve("resnet18.npz");
    Engine torch = Engine.getEngine("PyTorch");
    torch.setRandomSeed(3);
    try (NDManager manager = torch.newBaseManager();
        OutputStream out = Files.newOutputStream(weights)) {
      ResNet18Trunk trunk = new ResNet18Trunk(3, Preset.PAPER.config().visualWidths());
      trunk.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 224, 224));
      NDList arrays = new NDList();
      trunk
          .torchvisionParameters()
          .forEach(
              (name, p) -> {
                NDArray a = p.getArray().duplicate();
                a.setName(name);
                arrays.add(a);
              });
      arrays.encode(out, NDList.Encoding.NPZ);
    }
    Path json = tmp.resolve("ogl.json");

    int code =
        run(
            "eval",
            "--model",
            model.toString(),
            "--data",
            vggss().toString(),
            "--map",
            "av+obj",
            "--alpha",
            "0.25",
            "--imagenet",
            weights.toString(),
            "--json",
            json.toString());

    assertThat(code).as(cli.err()).isZero();
    assertThat(cli.out()).contains("map        av+obj (alpha 0.25), upsampled bilinear");
    JsonNode r = Json.MAPPER.readTree(json.toFile());
    assertThat(r.get("map").asText()).isEqualTo("av+obj");
    assertThat(r.get("alpha").asDouble()).isEqualTo(0.25);
    assertThat(r.get("n").asInt()).isEqualTo(3);
  }

  @Test
  void aMissingImageNetFileIsAUsageError() throws Exception {
    assertThat(
            run(
                "eval",
                "--model",
                model.toString(),
                "--data",
                vggss().toString(),
                "--map",
                "obj",
                "--imagenet",
                tmp.resolve("none.npz").toString()))
        .isEqualTo(2);
    assertThat(cli.err()).contains("--imagenet file not found").contains("none.npz");
  }

  @Test
  void aMissingModelFolderIsAUsageError() throws Exception {
    Path data = vggss();
    assertThat(run("eval", "--model", tmp.resolve("nope").toString(), "--data", data.toString()))
        .isEqualTo(2);
    assertThat(cli.err()).contains("--model folder not found").contains("nope");
  }

  @Test
  void aTamperedArtifactIsRefused() throws Exception {
    Path copy = tmp.resolve("tampered");
    Files.createDirectories(copy);
    try (Stream<Path> files = Files.list(model)) {
      for (Path f : files.toList()) {
        Files.copy(f, copy.resolve(f.getFileName()));
      }
    }
    Files.write(copy.resolve(ModelArtifact.PARAMS), new byte[] {1, 2, 3});
    assertThat(run("eval", "--model", copy.toString(), "--data", vggss().toString())).isEqualTo(1);
    assertThat(cli.err().strip())
        .startsWith("avloc eval: checksum mismatch for")
        .contains("model.params")
        .doesNotContain("\n");
  }

  @Test
  void aMissingDataFolderIsAUsageError() {
    assertThat(run("eval", "--model", model.toString(), "--data", tmp.resolve("x").toString()))
        .isEqualTo(2);
    assertThat(cli.err()).contains("--data folder not found");
  }

  @Test
  void unknownFormatMapAndUpsamplingAreUsageErrors() throws Exception {
    String data = vggss().toString();
    assertThat(run("eval", "--model", model.toString(), "--data", data, "--format", "folder"))
        .isEqualTo(2);
    assertThat(cli.err()).contains("--format must be vggss, flickr or auto");
    cli.clear();
    assertThat(run("eval", "--model", model.toString(), "--data", data, "--map", "heat"))
        .isEqualTo(2);
    assertThat(cli.err()).contains("--map: unknown map 'heat'; known: av, obj, av+obj");
    cli.clear();
    assertThat(run("eval", "--model", model.toString(), "--data", data, "--upsample", "nearest"))
        .isEqualTo(2);
    assertThat(cli.err()).contains("--upsample: unknown upsampling 'nearest'");
  }

  @Test
  void objectMapsWithoutImageNetWeightsSayHowToMakeThem() throws Exception {
    assertThat(
            run(
                "eval",
                "--model",
                model.toString(),
                "--data",
                vggss().toString(),
                "--map",
                "av+obj"))
        .isEqualTo(2);
    assertThat(cli.err())
        .contains("--map av+obj needs the frozen ImageNet ResNet-18")
        .contains("--imagenet FILE")
        .contains("tools/export_torchvision_resnet18.py");
  }

  @Test
  void theDetectorObjectPriorWithoutTheDetectorNamesTheFetchScript() throws Exception {
    assertThat(
            run(
                "eval",
                "--model",
                model.toString(),
                "--data",
                vggss().toString(),
                "--map",
                "obj",
                "--object-prior",
                "centernet",
                "--detector",
                tmp.resolve("no-detector").toString()))
        .isEqualTo(2);
    assertThat(cli.err()).contains("training/fetch-detector.sh").contains("no-detector");
    cli.clear();
    assertThat(
            run(
                "eval",
                "--model",
                model.toString(),
                "--data",
                vggss().toString(),
                "--map",
                "obj",
                "--object-prior",
                "yolo"))
        .isEqualTo(2);
    assertThat(cli.err()).contains("--object-prior must be imagenet, centernet or model");
  }

  @Test
  void theCentrePriorIsScoredWithoutAnyObjectNetwork() throws Exception {
    Path json = tmp.resolve("centre.json");
    int code =
        run(
            "eval",
            "--model",
            model.toString(),
            "--data",
            vggss().toString(),
            "--map",
            "centre",
            "--json",
            json.toString());
    assertThat(code).as(cli.err()).isZero();
    assertThat(Json.MAPPER.readTree(json.toFile()).get("map").asText()).isEqualTo("centre");
  }

  @Test
  void aClipWithAudioButNoFrameIsLeftOutAndNamed() throws Exception {
    Path data = vggss();
    Files.delete(data.resolve("frames/clip_b.png"));
    assertThat(run("eval", "--model", model.toString(), "--data", data.toString())).isZero();
    assertThat(cli.out()).contains("(vggss): 3 clips").contains("clip_b (no frame)");
  }

  @Test
  void anUnreadableFrameIsNamedWithItsClip() throws Exception {
    Path data = vggss();
    Files.write(data.resolve("frames/clip_c.jpg"), new byte[] {1, 2, 3, 4});
    assertThat(run("eval", "--model", model.toString(), "--data", data.toString())).isEqualTo(1);
    assertThat(cli.err())
        .contains("avloc eval: clip clip_c: image file " + data.resolve("frames/clip_c.jpg"));
  }

  @Test
  void aFolderThatIsNoTestSetSaysWhatIsExpected() throws Exception {
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    assertThat(run("eval", "--model", model.toString(), "--data", empty.toString())).isEqualTo(1);
    assertThat(cli.err())
        .contains("cannot tell the layout of dataset folder " + empty)
        .contains("vggss.json")
        .contains("Annotations/");
  }

  private static String line(String label, JsonNode value) {
    return String.format(Locale.ROOT, "%s %6.2f", label, 100 * value.asDouble());
  }

  private static double[] widen(float[] map) {
    double[] out = new double[map.length];
    for (int i = 0; i < map.length; i++) {
      out[i] = map[i];
    }
    return out;
  }

  private static double[] expectedAvMap(Path frame, Path audio) throws Exception {
    float[] image = new ImagePreprocessor(160).preprocess(ImageDecoder.decode(frame));
    float[] spec = new AudioPreprocessor().offline(audio).data();
    try (InferenceEngine engine =
        Engines.load(
                ModelArtifact.load(model),
                List.of(EngineKind.ONNXRUNTIME),
                EngineOptions.DEFAULTS.withWarmup(false))
            .engine()) {
      InferenceEngine.Outputs out = engine.run(image, spec, 1, 200);
      return MinMax.normalize(
          HeatmapUpsampler.upsample(
              out.simmap(0),
              out.height(),
              out.width(),
              224,
              224,
              Upsampling.BILINEAR_ALIGN_CORNERS));
    }
  }

  /** A noise frame and a one-second sine, seeded. */
  static void writeClip(Path root, String id, String ext, int w, int h, int rate, long seed)
      throws IOException {
    Files.createDirectories(root.resolve("frames"));
    Files.createDirectories(root.resolve("audio"));
    Random random = new Random(seed);
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.setRGB(x, y, random.nextInt(0x1000000));
      }
    }
    ImageIO.write(
        img, ext.equals("jpg") ? "jpeg" : "png", root.resolve("frames/" + id + "." + ext).toFile());
    int n = rate;
    double hz = 200 + 100 * seed;
    ByteBuffer pcm = ByteBuffer.allocate(2 * n).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < n; i++) {
      pcm.putShort(
          (short) (6000 * Math.sin(2 * Math.PI * hz * i / rate) + 500 * random.nextGaussian()));
    }
    AudioFormat format = new AudioFormat(rate, 16, 1, true, false);
    try (AudioInputStream in =
        new AudioInputStream(new ByteArrayInputStream(pcm.array()), format, n)) {
      AudioSystem.write(
          in, AudioFileFormat.Type.WAVE, root.resolve("audio/" + id + ".wav").toFile());
    }
  }
}
