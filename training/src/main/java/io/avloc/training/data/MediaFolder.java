package io.avloc.training.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The media files of one dataset folder ({@code frames/}, {@code audio/}, a video folder), indexed
 * by file stem. Not recursive. Hidden files (a leading dot) are skipped; files with other
 * extensions are listed in {@link #ignored()} so the readers can report them.
 */
final class MediaFolder {

  static final List<String> IMAGE_EXTENSIONS = List.of("jpg", "jpeg", "png");
  static final List<String> AUDIO_EXTENSIONS = List.of("wav", "ogg");

  /** How many names a warning or error lists before "and N more". */
  static final int NAMES_SHOWN = 5;

  private final Path dir;
  private final SortedMap<String, Path> byStem;
  private final List<String> ignored;

  private MediaFolder(Path dir, SortedMap<String, Path> byStem, List<String> ignored) {
    this.dir = dir;
    this.byStem = byStem;
    this.ignored = ignored;
  }

  /**
   * Indexes the files of {@code dir} whose extension (case-insensitive) is one of {@code
   * extensions}.
   *
   * @param layout the layout expected, quoted in errors
   * @throws DatasetException if {@code dir} is not a readable folder or two files share a stem
   */
  static MediaFolder scan(Path dir, List<String> extensions, String layout) {
    if (!Files.isDirectory(dir)) {
      throw new DatasetException(
          "folder "
              + dir
              + (Files.exists(dir) ? " is not a directory" : " does not exist")
              + "; expected "
              + layout);
    }
    SortedMap<String, Path> byStem = new TreeMap<>();
    List<String> ignored = new ArrayList<>();
    try (Stream<Path> entries = Files.list(dir)) {
      for (Path file : (Iterable<Path>) entries.sorted()::iterator) {
        String name = file.getFileName().toString();
        if (name.startsWith(".") || Files.isDirectory(file)) {
          continue;
        }
        if (!extensions.contains(extension(name))) {
          ignored.add(name);
          continue;
        }
        Path previous = byStem.put(stem(name), file);
        if (previous != null) {
          throw new DatasetException(
              "clip "
                  + stem(name)
                  + " has two files in "
                  + dir
                  + ": "
                  + previous.getFileName()
                  + " and "
                  + name
                  + "; keep one of them");
        }
      }
    } catch (IOException e) {
      throw new DatasetException("cannot list folder " + dir + ": " + e, e);
    }
    return new MediaFolder(dir, byStem, List.copyOf(ignored));
  }

  /**
   * Checks that a dataset's root folder exists.
   *
   * @throws DatasetException naming the folder and the layout expected
   */
  static void requireRoot(Path root, String layout) {
    if (!Files.isDirectory(root)) {
      throw new DatasetException(
          "dataset folder "
              + root
              + (Files.exists(root) ? " is not a directory" : " does not exist")
              + "; expected "
              + layout);
    }
  }

  Path dir() {
    return dir;
  }

  /** The files by stem, sorted by stem. */
  Map<String, Path> byStem() {
    return byStem;
  }

  /** The file of clip {@code stem}, or null. */
  Path get(String stem) {
    return byStem.get(stem);
  }

  /** Names of files skipped for their extension. */
  List<String> ignored() {
    return ignored;
  }

  /** A warning for the ignored files, or null when there are none. */
  String ignoredWarning(List<String> extensions) {
    if (ignored.isEmpty()) {
      return null;
    }
    return ignored.size()
        + " file(s) in "
        + dir
        + " were ignored because they are not ."
        + String.join("/.", extensions)
        + ": "
        + names(ignored);
  }

  /** The lower-case extension of a file name without the dot, or "". */
  static String extension(String name) {
    int dot = name.lastIndexOf('.');
    return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
  }

  /** A file name without its extension. */
  static String stem(String name) {
    int dot = name.lastIndexOf('.');
    return dot <= 0 ? name : name.substring(0, dot);
  }

  /** The first few names, then how many more: {@code "a, b, c and 7 more"}. */
  static String names(Collection<String> names) {
    StringBuilder out = new StringBuilder();
    Iterator<String> it = names.iterator();
    for (int i = 0; i < NAMES_SHOWN && it.hasNext(); i++) {
      out.append(i == 0 ? "" : ", ").append(it.next());
    }
    int more = names.size() - NAMES_SHOWN;
    if (more > 0) {
      out.append(" and ").append(more).append(" more");
    }
    return out.toString();
  }

  /**
   * The warnings of an annotated layout: none, or one line saying how many of the {@code listed}
   * clips of {@code source} were left out because files are missing, naming the first few.
   */
  static java.util.List<String> leftOutWarnings(
      Collection<String> missing, int listed, Object source) {
    if (missing.isEmpty()) {
      return new java.util.ArrayList<>();
    }
    return new java.util.ArrayList<>(
        java.util.List.of(
            missing.size()
                + " of "
                + listed
                + " clips listed in "
                + source
                + " were left out because their files are missing: "
                + names(missing)));
  }
}
