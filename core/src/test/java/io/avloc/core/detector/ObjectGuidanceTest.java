package io.avloc.core.detector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.avloc.core.artifact.InvalidArtifactException;
import io.avloc.core.artifact.ModelArtifact;
import io.avloc.core.artifact.ModelExporter;
import io.avloc.core.artifact.ModelManifest;
import io.avloc.core.artifact.TensorSpec;
import io.avloc.core.event.HeatmapEvent;
import io.avloc.core.heatmap.HeatmapPostProcessor;
import io.avloc.core.model.Preset;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model that outputs its detector's class heatmaps gets object-guided maps at its manifest's
 * weight and COCO labels on its boxes; a model without them keeps the audio-visual map.
 */
class ObjectGuidanceTest {

  private static final int CLASSES = CenterNet.COCO_LABELS.size();
  private static final int DOG = CenterNet.COCO_LABELS.indexOf("dog");

  @TempDir static Path dir;
  private static ModelManifest plain;

  @BeforeAll
  static void export() throws IOException {
    ModelArtifact artifact =
        ModelExporter.exportUntrained(
            Preset.LITE, ModelExporter.Description.untrained("plain", "1", 1), 1, dir);
    plain = artifact.manifest();
  }

  @Test
  void aModelWithoutClassHeatmapsHasNoGuidance() {
    assertThat(ObjectGuidance.of(plain)).isEmpty();
  }

  @Test
  void theClassHeatmapOutputAndTheManifestsWeightDeclareIt() {
    assertThat(ObjectGuidance.of(withClassHeatmaps(TensorSpec.of("N", 56, 56, 80), null)))
        .contains(new ObjectGuidance(0.4, 56, 56, 80));
    assertThat(ObjectGuidance.of(withClassHeatmaps(TensorSpec.of("N", 56, 56, 80), 0.7)))
        .contains(new ObjectGuidance(0.7, 56, 56, 80));
  }

  @Test
  void aMalformedDeclarationIsRefusedWithWhatToDo() {
    assertThatThrownBy(() -> ObjectGuidance.of(withClassHeatmaps(TensorSpec.of("N", 56, 80), null)))
        .isInstanceOf(InvalidArtifactException.class)
        .hasMessageContaining("class_heatmaps must be [N, h, w, classes]")
        .hasMessageContaining("re-export the model");
    assertThatThrownBy(
            () -> ObjectGuidance.of(withClassHeatmaps(TensorSpec.of("N", 56, 56, 80), "high")))
        .isInstanceOf(InvalidArtifactException.class)
        .hasMessageContaining("oglAlpha must be a number");
    assertThatThrownBy(() -> ObjectGuidance.of(withClassHeatmaps(TensorSpec.of("N", 5, 5, 8), 2)))
        .isInstanceOf(InvalidArtifactException.class)
        .hasMessageContaining("[0, 1]");
  }

  @Test
  void theObjectPullsThePeakAndNamesItsBoxWhileTheSoundAloneDoesNot() {
    // the AV map peaks bottom right; a dog sits top left
    float[] simmap = new float[14 * 14];
    for (int y = 0; y < 14; y++) {
      for (int x = 0; x < 14; x++) {
        simmap[y * 14 + x] = (float) Math.exp(-((x - 11) * (x - 11) + (y - 11) * (y - 11)) / 4.0);
      }
    }
    float[] values = new float[56 * 56 * CLASSES];
    for (int y = 0; y < 56; y++) {
      for (int x = 0; x < 56; x++) {
        values[(y * 56 + x) * CLASSES + DOG] =
            (float) (0.9 * Math.exp(-((x - 12) * (x - 12) + (y - 12) * (y - 12)) / 30.0));
      }
    }
    ClassHeatmaps objects = new ClassHeatmaps(56, 56, CLASSES, values);
    HeatmapPostProcessor post = new HeatmapPostProcessor(HeatmapPostProcessor.Options.DEFAULTS);

    HeatmapPostProcessor.Localization guided =
        new ObjectGuidance(0.4, 56, 56, CLASSES).localize(post, simmap, 14, 14, objects);
    assertThat(guided.peak().x()).isLessThan(0.4);
    assertThat(guided.peak().y()).isLessThan(0.4);
    assertThat(guided.boxes()).extracting(HeatmapEvent.Box::label).contains("dog");

    HeatmapPostProcessor.Localization soundOnly =
        new ObjectGuidance(1.0, 56, 56, CLASSES).localize(post, simmap, 14, 14, objects);
    assertThat(soundOnly.peak().x()).isGreaterThan(0.6);
    assertThat(soundOnly.peak().y()).isGreaterThan(0.6);
    assertThat(soundOnly.boxes()).isNotEmpty().allMatch(b -> b.label() == null);
    // at α = 1 the map is the audio-visual map's own
    assertThat(soundOnly.grid()).isEqualTo(post.process(simmap, 14, 14).grid());
  }

  @Test
  void aFlatAudioVisualMapLeavesTheObjectMapToSayWhere() {
    float[] flat = new float[14 * 14];
    float[] values = new float[56 * 56 * CLASSES];
    values[(40 * 56 + 44) * CLASSES + DOG] = 0.8f;
    HeatmapPostProcessor post = new HeatmapPostProcessor(HeatmapPostProcessor.Options.DEFAULTS);
    HeatmapPostProcessor.Localization loc =
        new ObjectGuidance(0.4, 56, 56, CLASSES)
            .localize(post, flat, 14, 14, new ClassHeatmaps(56, 56, CLASSES, values));
    assertThat(loc.peak().x()).isCloseTo(44.0 / 55, org.assertj.core.data.Offset.offset(0.03));
    assertThat(loc.peak().y()).isCloseTo(40.0 / 55, org.assertj.core.data.Offset.offset(0.03));
  }

  private static ModelManifest withClassHeatmaps(TensorSpec spec, Object alpha) {
    Map<String, TensorSpec> outputs = new LinkedHashMap<>(plain.outputs());
    outputs.put(DetectorTrunk.CLASS_HEATMAPS, spec);
    Map<String, Object> network = new LinkedHashMap<>(plain.network());
    if (alpha != null) {
      network.put(ObjectGuidance.ALPHA_KEY, alpha);
    }
    return new ModelManifest(
        plain.formatVersion(),
        plain.name(),
        plain.version(),
        plain.method(),
        plain.preset(),
        plain.createdAt(),
        plain.inputs(),
        outputs,
        network,
        plain.preprocessing(),
        plain.training(),
        plain.metrics(),
        plain.deviations(),
        plain.files());
  }
}
