package io.avloc.modelserver.registry;

import io.avloc.core.artifact.InvalidArtifactException;
import io.avloc.core.artifact.ModelArtifact;
import io.avloc.modelserver.engine.EngineSelection;
import io.avloc.modelserver.engine.Engines;
import io.avloc.modelserver.engine.ModelShape;
import io.avloc.modelserver.engine.NoEngineException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads one version, on the registry's own thread: verifies it ({@link ModelArtifact#load}:
 * manifest, sha256 of every file, graph shapes), checks that it takes the same inputs as the
 * serving one, and loads it on the first engine of {@link RegistryConfig#engines()} that works and
 * warms up. A version that cannot be served is {@link Refused} with its {@link LoadFailure}.
 */
final class VersionLoader {

  // The registry's log lines keep one logger name, whichever of its classes writes them.
  private static final Logger LOG = LoggerFactory.getLogger(ModelRegistry.class);

  private final RegistryConfig config;
  private final RegistryMeters meters;
  private final Unloader unloader;

  VersionLoader(RegistryConfig config, RegistryMeters meters, Unloader unloader) {
    this.config = config;
    this.meters = meters;
    this.unloader = unloader;
  }

  /** Why a version cannot be served; the message says what is wrong with it. */
  static final class Refused extends Exception {
    private final LoadFailure reason;

    Refused(LoadFailure reason, String message) {
      super(message, null, false, false); // an expected outcome: no stack trace
      this.reason = reason;
    }

    LoadFailure reason() {
      return reason;
    }
  }

  /**
   * Loads {@code c}, ready to serve (not yet serving).
   *
   * @param serving the shape callers feed now, or null when nothing is served yet
   * @throws Refused when the version cannot be served
   */
  ServedVersion load(VersionCandidate c, ModelShape serving) throws Refused {
    ModelArtifact artifact;
    try {
      artifact = ModelArtifact.load(c.dir());
      ModelShape next = ModelShape.of(artifact.manifest());
      if (serving != null && !next.equals(serving)) {
        throw new Refused(
            LoadFailure.INCOMPATIBLE,
            "its shapes "
                + next
                + " differ from the serving model's "
                + serving
                + "; callers feed the serving shape, so restart to change the network size");
      }
    } catch (InvalidArtifactException e) {
      throw new Refused(classify(e), e.getMessage());
    }
    if (!artifact.manifest().version().equals(c.version())) {
      LOG.warn(
          "model version {} at {} holds a manifest of version {}; heatmaps will say {}",
          c.version(),
          c.dir(),
          artifact.manifest().version(),
          artifact.manifest().id());
    }
    EngineSelection selection;
    try {
      selection = Engines.load(artifact, config.engines(), config.engineOptions());
      meters.attempts(selection.attempts());
    } catch (NoEngineException e) {
      meters.attempts(e.attempts());
      throw new Refused(LoadFailure.NO_ENGINE, e.getMessage());
    }
    return new ServedVersion(c, selection, meters, unloader);
  }

  /** The failure kind of an artifact that does not verify (core says which in its message). */
  static LoadFailure classify(InvalidArtifactException e) {
    String m = String.valueOf(e.getMessage());
    if (m.contains("checksum mismatch")) {
      return LoadFailure.CHECKSUM;
    }
    if (m.contains(" is missing ")
        || m.contains("has no manifest.json")
        || m.contains("does not exist")) {
      return LoadFailure.MISSING_FILE;
    }
    return LoadFailure.INVALID_ARTIFACT;
  }
}
