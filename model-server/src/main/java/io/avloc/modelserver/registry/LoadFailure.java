package io.avloc.modelserver.registry;

/**
 * Why the {@link ModelRegistry} refused a model version; {@link #tag()} is the {@code reason} tag
 * of {@code avloc.model.load.failures}.
 */
public enum LoadFailure {
  /** A file's sha256 differs from the manifest's: corrupt, or changed after export. */
  CHECKSUM("checksum"),
  /** manifest.json, or a file it lists, is missing. */
  MISSING_FILE("missing-file"),
  /** The manifest is unreadable, of another format version, or does not match the graph. */
  INVALID_ARTIFACT("invalid-artifact"),
  /** Its input or output sizes differ from the serving model's: callers could not feed it. */
  INCOMPATIBLE("incompatible"),
  /** No configured engine could load it or pass warm-up. */
  NO_ENGINE("no-engine");

  private final String tag;

  LoadFailure(String tag) {
    this.tag = tag;
  }

  /** The metric tag value. */
  public String tag() {
    return tag;
  }
}
