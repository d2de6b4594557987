package io.avloc.modelserver;

import io.avloc.core.artifact.ModelArtifact;
import io.avloc.modelserver.engine.EngineKind;
import io.avloc.modelserver.engine.EngineOptions;
import io.avloc.modelserver.engine.Engines;
import io.avloc.modelserver.registry.ModelRegistry;
import io.avloc.modelserver.registry.RegistryConfig;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Where a program's model comes from, the rule written once for {@code avloc streams} and {@code
 * avloc serve}: a folder of versions (served by a {@link ModelRegistry}, hot-swapped) or one
 * artifact. {@link #resolve} checks it before anything starts (the artifact is verified there,
 * once); {@link #open} loads it on the first engine that takes it.
 */
public final class ModelSource {

  private final ModelArtifact artifact; // null for a folder of versions
  private final Path versions; // null for one artifact

  private ModelSource(ModelArtifact artifact, Path versions) {
    this.artifact = artifact;
    this.versions = versions;
  }

  /**
   * The folder {@code versions} when it is not null, else the artifact at {@code artifactDir}.
   *
   * @param artifactName how the user names the artifact setting, for messages (e.g. {@code
   *     --model})
   * @param versionsName how the user names the folder setting (e.g. {@code --models})
   * @throws IllegalArgumentException saying what is wrong and what to pass
   */
  public static ModelSource resolve(
      Path artifactDir, String artifactName, Path versions, String versionsName) {
    if (versions != null) {
      if (!Files.isDirectory(versions)) {
        throw new IllegalArgumentException(
            versionsName
                + ": "
                + versions
                + " is not a folder; create it and put each model version in a subfolder");
      }
      return new ModelSource(null, versions);
    }
    if (!Files.isRegularFile(artifactDir.resolve(ModelArtifact.MANIFEST))) {
      throw new IllegalArgumentException(
          artifactName
              + ": no model artifact at "
              + artifactDir
              + " (no "
              + ModelArtifact.MANIFEST
              + "); pass "
              + artifactName
              + " DIR, e.g. one made by 'avloc model init --out DIR'");
    }
    return new ModelSource(ModelArtifact.load(artifactDir), null);
  }

  /** The folder of versions, or null for one artifact. */
  public Path versions() {
    return versions;
  }

  /**
   * Loads the model on the first of {@code engines} that takes it; with a folder, a registry whose
   * meters go to {@code registry}. The caller closes it.
   */
  public BatchModel open(List<EngineKind> engines, EngineOptions options, MeterRegistry registry) {
    if (versions != null) {
      return BatchModel.of(
          ModelRegistry.open(
              RegistryConfig.of(versions).withEngines(engines).withEngineOptions(options),
              registry));
    }
    return BatchModel.of(Engines.load(artifact, engines, options).engine());
  }
}
