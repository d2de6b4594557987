package io.avloc.modelserver.registry;

import io.avloc.core.artifact.ModelArtifact;
import io.avloc.core.artifact.ModelExporter;
import io.avloc.core.artifact.ModelManifest;
import io.avloc.core.model.Preset;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Test fixture: one exported lite model, republished under other versions by copying. */
final class ModelVersions {

  final ModelArtifact base;

  private ModelVersions(ModelArtifact base) {
    this.base = base;
  }

  /** Exports an untrained lite model named {@code name} into {@code dir}. */
  static ModelVersions export(String name, Path dir) throws IOException {
    return new ModelVersions(
        ModelExporter.exportUntrained(
            Preset.LITE, ModelExporter.Description.untrained(name, "0", 5), 5, dir));
  }

  /** Copies the base artifact into {@code models/<version>} with that version in its manifest. */
  Path publish(Path models, String version) throws IOException {
    return publish(base, models.resolve(version), version);
  }

  static Path publish(ModelArtifact from, Path dir, String version) throws IOException {
    ModelManifest m = from.manifest();
    ModelManifest renamed =
        new ModelManifest(
            m.formatVersion(),
            m.name(),
            version,
            m.method(),
            m.preset(),
            m.createdAt(),
            m.inputs(),
            m.outputs(),
            m.network(),
            m.preprocessing(),
            m.training(),
            m.metrics(),
            m.deviations(),
            null);
    Map<String, Path> files = new LinkedHashMap<>();
    for (String f : m.files().keySet()) {
      files.put(f, from.dir().resolve(f));
    }
    ModelArtifact.write(dir, renamed, files);
    return dir;
  }

  String name() {
    return base.manifest().name();
  }
}
