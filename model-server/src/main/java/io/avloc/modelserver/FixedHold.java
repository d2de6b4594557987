package io.avloc.modelserver;

import io.avloc.core.artifact.ModelManifest;

/**
 * A hold on a model that never changes: nothing to release, inference meters left to the caller.
 */
abstract class FixedHold implements BatchModel.Held {
  private final ModelManifest manifest;
  private final String engine;

  FixedHold(ModelManifest manifest, String engine) {
    this.manifest = manifest;
    this.engine = engine;
  }

  @Override
  public ModelManifest manifest() {
    return manifest;
  }

  @Override
  public String engine() {
    return engine;
  }

  @Override
  public boolean recordsInferenceMeters() {
    return false;
  }

  @Override
  public void close() {}
}
