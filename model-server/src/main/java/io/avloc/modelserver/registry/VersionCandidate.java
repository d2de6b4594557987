package io.avloc.modelserver.registry;

import java.nio.file.Path;

/**
 * A version that could be served: a subfolder of the models folder, or announced on the topic.
 *
 * @param version the registry's version: the folder name, or the announced version
 * @param dir the folder holding the version's artifact
 * @param source {@link #FOLDER}, or the topic record that announced it
 */
record VersionCandidate(String version, Path dir, String source) {

  /** The source of the models folder's own versions. */
  static final String FOLDER = "folder";

  /** Tells this version apart from the same version of another source or in another folder. */
  String key() {
    return source + "|" + version + "|" + dir;
  }

  boolean fromFolder() {
    return source.equals(FOLDER);
  }
}
