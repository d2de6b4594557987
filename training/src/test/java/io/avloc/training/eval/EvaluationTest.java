package io.avloc.training.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.avloc.core.heatmap.HeatmapOverlay;
import io.avloc.core.heatmap.HeatmapUpsampler;
import io.avloc.core.heatmap.MinMax;
import io.avloc.core.heatmap.Upsampling;
import io.avloc.core.metrics.NormalizedBox;
import io.avloc.core.serde.Json;
import io.avloc.training.data.Annotation;
import io.avloc.training.data.Sample;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluationTest {

  /** Three quarters of the frame, left part: more than half, so a perfect map can reach cIoU 1. */
  private static final NormalizedBox LARGE = new NormalizedBox(0, 0, 0.75, 1);

  /** The left quarter: less than half, so the median threshold always selects outside it. */
  private static final NormalizedBox SMALL = new NormalizedBox(0, 0, 0.25, 1);

  private static final NormalizedBox RIGHT = new NormalizedBox(0.25, 0, 1, 1);

  @TempDir Path dir;

  private Evaluation evaluation(MapPredictor predictor, Evaluation.Options options) {
    return new Evaluation(predictor, null, options);
  }

  private static Evaluation.Options options() {
    return Evaluation.Options.defaults(TestClips.SIDE).withBatchSize(2);
  }

  @Test
  void aMapThatIsHighExactlyInsideTheBoxScoresPerfectly() throws Exception {
    List<Sample> clips = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      clips.add(TestClips.clip(dir, "clip" + i, LARGE, List.of(LARGE)));
    }
    EvalReport r = evaluation(TestClips.brightness(224), options()).run(clips, null);

    assertThat(r.n()).isEqualTo(3);
    assertThat(r.ciou()).isEqualTo(1.0);
    assertThat(r.meanCiou()).isEqualTo(1.0);
    assertThat(r.pointing()).isEqualTo(1.0);
    assertThat(r.auc()).isCloseTo(1.0, within(1e-12));
    assertThat(r.offscreen()).isZero();
    assertThat(r.onscreenAp()).isNull();
  }

  @Test
  void aMapThatIsHighOutsideTheBoxScoresZero() throws Exception {
    List<Sample> clips =
        List.of(
            TestClips.clip(dir, "a", RIGHT, List.of(SMALL)),
            TestClips.clip(dir, "b", RIGHT, List.of(SMALL)));
    EvalReport r = evaluation(TestClips.brightness(224), options()).run(clips, null);

    assertThat(r.ciou()).isZero();
    assertThat(r.meanCiou()).isZero();
    assertThat(r.pointing()).isZero();
    assertThat(r.auc()).isCloseTo(0.025, within(1e-12)); // only the 0 threshold succeeds
    // the oracle: a box of a quarter of the image, selected with the whole image
    assertThat(r.oracleMeanCiou()).isCloseTo(0.25, within(1e-12));
  }

  @Test
  void clipsWithoutAVisibleSourceOnlyEnterTheOnScreenAp() throws Exception {
    List<Sample> clips =
        List.of(
            TestClips.clip(dir, "on1", LARGE, List.of(LARGE)),
            TestClips.clip(dir, "off1", null, List.of()),
            TestClips.clip(dir, "on2", LARGE, List.of(LARGE)),
            TestClips.clip(dir, "off2", null, List.of()),
            TestClips.clip(dir, "off3", null, List.of()));
    EvalReport r = evaluation(TestClips.brightness(224), options()).run(clips, null);

    assertThat(r.n()).isEqualTo(2);
    assertThat(r.offscreen()).isEqualTo(3);
    assertThat(r.perSample()).extracting(s -> s.file()).containsExactly("on1", "on2");
    // on-screen frames have a white box (score 1), the others are black (score 0)
    assertThat(r.onscreenAp()).isEqualTo(1.0);
  }

  @Test
  void aScoreThatPrefersOffScreenClipsGetsALowOnScreenAp() throws Exception {
    List<Sample> clips =
        List.of(
            TestClips.clip(dir, "on", null, List.of(LARGE)),
            TestClips.clip(dir, "off", LARGE, List.of()));
    EvalReport r = evaluation(TestClips.brightness(224), options()).run(clips, null);
    // ranked: off (1.0) then on (0.0): precision 1/2 when the positive is found
    assertThat(r.onscreenAp()).isEqualTo(0.5);
  }

  @Test
  void theReportSerializesWithTheProtocolsKeys() throws Exception {
    List<Sample> clips =
        List.of(
            TestClips.clip(dir, "x", LARGE, List.of(LARGE)),
            TestClips.clip(dir, "y", RIGHT, List.of(SMALL)),
            TestClips.clip(dir, "z", null, List.of()));
    EvalReport r = evaluation(TestClips.brightness(224), options()).run(clips, null);
    JsonNode json = Json.MAPPER.readTree(Json.MAPPER.writeValueAsString(r));

    assertThat(json.fieldNames())
        .toIterable()
        .containsExactly(
            "map",
            "upsample",
            "image_size",
            "n",
            "ciou",
            "auc",
            "mean_ciou",
            "pointing",
            "oracle_ciou",
            "oracle_mean_ciou",
            "n_offscreen",
            "onscreen_ap",
            "per_sample");
    assertThat(json.get("map").asText()).isEqualTo("av");
    assertThat(json.get("upsample").asText()).isEqualTo("bilinear");
    assertThat(json.get("n").asInt()).isEqualTo(2);
    assertThat(json.get("ciou").asDouble()).isEqualTo(0.5);
    assertThat(json.get("n_offscreen").asInt()).isEqualTo(1);
    assertThat(json.get("per_sample")).hasSize(2);
    assertThat(json.get("per_sample").get(0).get("file").asText()).isEqualTo("x");
    assertThat(json.get("per_sample").get(0).get("ciou").asDouble()).isEqualTo(1.0);
    assertThat(json.get("per_sample").get(1).get("ciou").asDouble()).isZero();
  }

  @Test
  void mapsAreWrittenAsRawFloat32AndReadBackAsScored() throws Exception {
    Path maps = dir.resolve("maps");
    List<Sample> clips =
        List.of(
            TestClips.clip(dir, "in", LARGE, List.of(LARGE)),
            TestClips.clip(dir, "off", null, List.of()));
    evaluation(TestClips.brightness(224), options().withMaps(maps)).run(clips, null);

    Path file = maps.resolve("in.f32");
    assertThat(Files.size(file)).isEqualTo(224 * 224 * 4);
    float[] map = MapFile.read(file);
    double[] truth = clips.get(0).annotation().groundTruthMap();
    for (int i = 0; i < map.length; i++) {
      assertThat((double) map[i]).as("pixel %d", i).isEqualTo(truth[i]);
    }
    assertThat(Files.size(maps.resolve("off.f32"))).isEqualTo(224 * 224 * 4);
  }

  @Test
  void theUpsamplingOptionIsAppliedToTheNetworksMap() throws Exception {
    float[] raw = {0.1f, 0.9f, 0.3f, -0.2f};
    MapPredictor twoByTwo =
        (images, spectrograms, n, frames) -> {
          float[] maps = new float[4 * n];
          for (int i = 0; i < n; i++) {
            System.arraycopy(raw, 0, maps, 4 * i, 4);
          }
          return new MapPredictor.Prediction(n, 2, 2, maps);
        };
    List<Sample> clips = List.of(TestClips.clip(dir, "c", LARGE, List.of(LARGE)));
    for (Upsampling mode : Upsampling.values()) {
      Path maps = dir.resolve("maps-" + mode);
      EvalReport r =
          evaluation(twoByTwo, options().withUpsampling(mode).withMaps(maps)).run(clips, null);
      assertThat(r.upsample()).isEqualTo(Evaluation.label(mode));
      double[] expected = MinMax.normalize(HeatmapUpsampler.upsample(raw, 2, 2, 224, 224, mode));
      float[] written = MapFile.read(maps.resolve("c.f32"));
      for (int i = 0; i < written.length; i += 97) {
        assertThat((double) written[i]).isCloseTo(expected[i], within(1e-6));
      }
    }
  }

  @Test
  void overlaysArePngsOfTheFrameWithTheTruthBoxes() throws Exception {
    Path overlays = dir.resolve("overlays");
    List<Sample> clips =
        List.of(
            TestClips.clip(dir, "wide", SMALL, 320, 240, List.of(SMALL)),
            TestClips.clip(dir, "off", null, List.of()));
    Evaluation.Options o = Evaluation.Options.defaults(TestClips.SIDE).withOverlays(overlays);
    new Evaluation(TestClips.brightness(224), null, o).run(clips, null);

    BufferedImage png = ImageIO.read(overlays.resolve("wide.png").toFile());
    assertThat(png).isNotNull();
    assertThat(png.getWidth()).isEqualTo(320);
    assertThat(png.getHeight()).isEqualTo(240);
    // the truth box spans x 0..79: its right edge is green
    assertThat(png.getRGB(79, 120) & 0xffffff).isEqualTo(HeatmapOverlay.TRUTH_RGB);
    assertThat(ImageIO.read(overlays.resolve("off.png").toFile())).isNotNull();
  }

  @Test
  void batchesCoverEveryClipAndProgressIsReported() throws Exception {
    List<Integer> batchSizes = new ArrayList<>();
    MapPredictor inner = TestClips.brightness(224);
    MapPredictor counting =
        (images, spectrograms, n, frames) -> {
          batchSizes.add(n);
          assertThat(frames).isEqualTo(200);
          assertThat(spectrograms).hasSize(n * 257 * 200);
          return inner.predict(images, spectrograms, n, frames);
        };
    List<Sample> clips = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      clips.add(TestClips.clip(dir, "c" + i, LARGE, List.of(LARGE)));
    }
    ByteArrayOutputStream progress = new ByteArrayOutputStream();
    EvalReport r =
        evaluation(counting, options())
            .run(clips, new PrintStream(progress, true, StandardCharsets.UTF_8));

    assertThat(batchSizes).containsExactly(2, 2, 1);
    assertThat(r.n()).isEqualTo(5);
    assertThat(progress.toString(StandardCharsets.UTF_8)).contains("eval av").contains("5/5 clips");
  }

  @Test
  void anUnannotatedClipIsAnError() throws Exception {
    Sample annotated = TestClips.clip(dir, "ok", LARGE, List.of(LARGE));
    Sample bare = Sample.unannotated("bare", annotated.image(), annotated.audio());
    assertThatThrownBy(
            () ->
                evaluation(TestClips.brightness(224), options())
                    .run(List.of(annotated, bare), null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("clip bare has no annotation");
  }

  @Test
  void aTestSetWithoutAnyVisibleSourceIsAnError() throws Exception {
    List<Sample> clips = List.of(TestClips.clip(dir, "off", null, List.of()));
    assertThatThrownBy(() -> evaluation(TestClips.brightness(224), options()).run(clips, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("none of the 1 clips has a visible sound source");
  }

  @Test
  void missingFramesAndAudioAreNamedWithTheirClip() throws Exception {
    Sample a = TestClips.clip(dir, "a", LARGE, List.of(LARGE));
    Files.delete(a.image());
    assertThatThrownBy(() -> evaluation(TestClips.brightness(224), options()).run(List.of(a), null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("clip a: ")
        .hasMessageContaining(a.image().toString())
        .hasMessageContaining("does not exist");

    Sample b = TestClips.clip(dir, "b", LARGE, List.of(LARGE));
    Files.delete(b.audio());
    assertThatThrownBy(() -> evaluation(TestClips.brightness(224), options()).run(List.of(b), null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("clip b: ")
        .hasMessageContaining(b.audio().toString())
        .hasMessageContaining("does not exist");
  }

  @Test
  void objectMapsNeedAnObjectPrior() {
    assertThatThrownBy(
            () ->
                new Evaluation(TestClips.brightness(224), null, options().withMap(MapKind.AV_OBJ)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("av+obj map needs an object prior")
        .hasMessageContaining("CenterNet")
        .hasMessageContaining("tools/export_torchvision_resnet18.py");
  }

  @Test
  void theObjMapIsTheObjectPriorsMapWhateverTheNetworkSays() throws Exception {
    List<Sample> clips =
        List.of(
            TestClips.clip(dir, "a", RIGHT, List.of(LARGE)),
            TestClips.clip(dir, "b", RIGHT, List.of(LARGE)));
    // the network's map is high outside the box, the prior's exactly inside it
    ObjectPrior insideLarge =
        new ObjectPrior() {
          @Override
          public String name() {
            return "test";
          }

          @Override
          public double[][] maps(io.avloc.core.image.RgbImage[] pictures, int n, int side) {
            double[][] maps = new double[n][side * side];
            for (int i = 0; i < n; i++) {
              for (int y = 0; y < side; y++) {
                for (int x = 0; x < side * 3 / 4; x++) {
                  maps[i][y * side + x] = 1;
                }
              }
            }
            return maps;
          }

          @Override
          public void close() {}
        };
    EvalReport r =
        new Evaluation(TestClips.brightness(224), insideLarge, options().withMap(MapKind.OBJ))
            .run(clips, null);
    assertThat(r.pointing()).isEqualTo(1.0);
    assertThat(r.meanCiou()).isEqualTo(1.0);
  }

  @Test
  void theCentrePriorPointsAtTheMiddleWhateverThePicture() throws Exception {
    NormalizedBox middle = new NormalizedBox(0.4, 0.4, 0.6, 0.6);
    List<Sample> clips =
        List.of(
            TestClips.clip(dir, "mid", RIGHT, List.of(middle)),
            TestClips.clip(dir, "corner", RIGHT, List.of(new NormalizedBox(0, 0, 0.2, 0.2))));
    Evaluation e = evaluation(TestClips.brightness(224), options().withMap(MapKind.CENTRE));
    EvalReport r = e.run(clips, null);
    assertThat(r.pointing()).isEqualTo(0.5); // the middle box, not the corner one
    double[] map = CentrePrior.map(224);
    assertThat(map[112 * 224 + 112]).isGreaterThan(0.99);
    assertThat(map[0]).isZero();
    assertThat(map[10 * 224 + 50]).isEqualTo(map[50 * 224 + 10]);
  }

  @Test
  void flickrBoxesAreDrawnInTheirOwnFrame() {
    List<NormalizedBox> boxes =
        Evaluation.truthBoxes(
            new Annotation.Flickr(List.of(new io.avloc.core.metrics.PixelBox(64, 0, 128, 256))));
    assertThat(boxes).containsExactly(new NormalizedBox(0.25, 0, 0.5, 1));
  }

  @Test
  void clipIdsBecomeSafeFileNames() {
    assertThat(Evaluation.fileName("-0DP-FWsL2I_000110")).isEqualTo("-0DP-FWsL2I_000110");
    assertThat(Evaluation.fileName("../a/b c")).isEqualTo(".._a_b_c");
  }
}
