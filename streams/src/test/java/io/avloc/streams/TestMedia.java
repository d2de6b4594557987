package io.avloc.streams;

import ai.djl.engine.Engine;
import io.avloc.core.artifact.ModelExporter;
import io.avloc.core.model.Preset;
import java.io.IOException;
import java.nio.file.Path;

/** A real (untrained) lite model artifact for streams tests. */
final class TestMedia {
  private TestMedia() {}

  /** Exports a seeded, untrained lite model to {@code dir}. */
  static Path liteModel(Path dir) throws IOException {
    Engine.getEngine("OnnxRuntime");
    ModelExporter.exportUntrained(
        Preset.LITE, ModelExporter.Description.untrained("lite-test", "1", 7), 7, dir);
    return dir;
  }
}
