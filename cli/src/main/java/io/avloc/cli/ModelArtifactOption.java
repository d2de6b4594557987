package io.avloc.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --model DIR} of the commands that run one model artifact ({@code @Mixin}): {@code
 * streams}, {@code serve}, {@code demo}. Unset, they use the bundled model.
 */
final class ModelArtifactOption {

  /** The model the commands use when none is given. */
  static final Path BUNDLED_MODEL = Path.of("models", "default");

  @Option(
      names = "--model",
      paramLabel = "DIR",
      description = "model artifact (default: models/default)")
  Path model;

  /** {@code --model}, or the bundled model when it is not given. */
  Path orBundled() {
    return model == null ? BUNDLED_MODEL : model;
  }
}
