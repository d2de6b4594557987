package io.avloc.modelserver.registry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * What the registry's scan reads from a version folder to tell a copy in progress from a finished
 * version, and a version it already refused from one whose files changed since.
 */
final class VersionFolders {

  private VersionFolders() {}

  /** Newest modification time of a version folder and its files, in ms. */
  static long lastChange(Path dir) throws IOException {
    long newest = Files.getLastModifiedTime(dir).toMillis();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        try {
          newest = Math.max(newest, Files.getLastModifiedTime(f).toMillis());
        } catch (NoSuchFileException e) {
          // removed meanwhile (a temporary file of the writer): the folder is still changing
          newest = System.currentTimeMillis();
        }
      }
    }
    return newest;
  }

  /** Names, sizes and modification times of a folder's files: changes when any file does. */
  static String fingerprint(Path dir) throws IOException {
    List<String> parts = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        try {
          parts.add(
              f.getFileName()
                  + ":"
                  + Files.size(f)
                  + ":"
                  + Files.getLastModifiedTime(f).toMillis());
        } catch (NoSuchFileException e) {
          parts.add(f.getFileName() + ":gone");
        }
      }
    }
    parts.sort(null);
    return String.join("/", parts);
  }
}
