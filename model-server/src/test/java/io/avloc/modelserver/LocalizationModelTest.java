package io.avloc.modelserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import io.avloc.core.artifact.ModelArtifact;
import io.avloc.core.artifact.ModelExporter;
import io.avloc.core.model.Preset;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalizationModelTest {

  @TempDir static Path dir;
  private static LocalizationModel model;

  @BeforeAll
  static void exportAndLoad() throws Exception {
    Engine.getEngine("OnnxRuntime");
    ModelExporter.exportUntrained(
        Preset.LITE, ModelExporter.Description.untrained("lite-test", "1", 3), 3, dir.resolve("m"));
    model = LocalizationModel.load(ModelArtifact.load(dir.resolve("m")));
  }

  @AfterAll
  static void close() {
    model.close();
  }

  private static float[] random(int n, long seed) {
    Random r = new Random(seed);
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) r.nextGaussian();
    }
    return a;
  }

  @Test
  void theModelDescribesItselfFromItsManifest() {
    assertThat(model.manifest().id()).isEqualTo("lite-test@1");
    assertThat(model.imageSize()).isEqualTo(Preset.LITE.config().imageSize());
    assertThat(model.mapHeight()).isEqualTo(Preset.LITE.config().mapSize());
    assertThat(model.embeddingDim()).isEqualTo(Preset.LITE.config().embeddingDim());
  }

  @Test
  void aBatchGivesOneCosineMapAndOneUnitEmbeddingPerSample() {
    int s = model.imageSize();
    try (LocalizationModel.Session session = model.newSession()) {
      LocalizationModel.Outputs out =
          session.run(random(3 * 3 * s * s, 1), random(3 * 257 * 200, 2), 3, 200);
      assertThat(out.simmap()).hasSize(3 * model.mapHeight() * model.mapWidth());
      for (float v : out.simmap()) {
        assertThat(v).isBetween(-1.0001f, 1.0001f);
      }
      int d = model.embeddingDim();
      for (int i = 0; i < 3; i++) {
        double norm = 0;
        for (int c = 0; c < d; c++) {
          norm += out.audioEmbeddings()[i * d + c] * out.audioEmbeddings()[i * d + c];
        }
        assertThat(Math.sqrt(norm)).isCloseTo(1.0, within(1e-4));
      }
    }
  }

  @Test
  void batchingDoesNotChangeAnySamplesResult() {
    int s = model.imageSize();
    float[] images = random(2 * 3 * s * s, 5);
    float[] specs = random(2 * 257 * 200, 6);
    try (LocalizationModel.Session session = model.newSession()) {
      LocalizationModel.Outputs both = session.run(images, specs, 2, 200);
      float[] secondImage = java.util.Arrays.copyOfRange(images, 3 * s * s, 2 * 3 * s * s);
      float[] secondSpec = java.util.Arrays.copyOfRange(specs, 257 * 200, 2 * 257 * 200);
      LocalizationModel.Outputs alone = session.run(secondImage, secondSpec, 1, 200);
      float[] a = both.simmap(1);
      float[] b = alone.simmap(0);
      for (int i = 0; i < a.length; i++) {
        assertThat(a[i]).isCloseTo(b[i], within(1e-5f));
      }
    }
  }

  @Test
  void inputsOfTheWrongSizeAreRefusedWithTheExpectedShape() {
    try (LocalizationModel.Session session = model.newSession()) {
      assertThatThrownBy(() -> session.run(new float[10], new float[257 * 200], 1, 200))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("need 1x3x" + model.imageSize());
    }
  }
}
