package io.avloc.training.synth;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The list of media files the benchmark is made of: a tab-separated table with the columns {@code
 * class kind split path package licence group [style]} (see {@link CatalogEntry}; the style column
 * is optional). Lines starting with {@code #} and blank lines are ignored; a first line naming the
 * columns is skipped.
 *
 * <p>Each file is listed once, so it belongs to exactly one split: train and test never share a
 * file. The bundled catalog ({@link #bundled()}) lists files of the Debian packages that {@code
 * training/fetch-benchmark-assets.sh} unpacks; paths are relative to that asset root.
 *
 * <p>Immutable.
 */
public final class Catalog {

  /** Class-path resource of the bundled catalog, next to this class. */
  public static final String BUNDLED = "catalog.tsv";

  private static final String[] COLUMNS = {
    "class", "kind", "split", "path", "package", "licence", "group"
  };

  private final List<CatalogEntry> entries;
  private final String source;

  private Catalog(List<CatalogEntry> entries, String source) {
    this.entries = List.copyOf(entries);
    this.source = source;
  }

  /** The catalog shipped with avloc (real files from Debian packages). */
  public static Catalog bundled() {
    String where = "the bundled catalog (" + BUNDLED + ")";
    try (InputStream in = Catalog.class.getResourceAsStream(BUNDLED)) {
      if (in == null) {
        throw new IllegalStateException(where + " is missing from the class path");
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList(), where);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + where, e);
    }
  }

  /**
   * Reads a catalog file.
   *
   * @throws IllegalArgumentException if the file is missing or a line is malformed (naming the
   *     line)
   */
  public static Catalog load(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("catalog file " + file + " does not exist", e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read catalog " + file, e);
    }
    return parse(lines, file.toString());
  }

  /** Parses catalog lines; {@code source} names them in error messages. */
  static Catalog parse(List<String> lines, String source) {
    List<CatalogEntry> entries = new ArrayList<>();
    Map<String, Integer> seen = new HashMap<>();
    boolean first = true;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] f = line.split("\t", -1);
      if (first && f.length > 1 && f[0].equals(COLUMNS[0]) && f[1].equals(COLUMNS[1])) {
        first = false;
        continue;
      }
      first = false;
      String where = source + " line " + (i + 1);
      if (f.length != COLUMNS.length && f.length != COLUMNS.length + 1) {
        throw new IllegalArgumentException(
            where
                + ": expected "
                + COLUMNS.length
                + " tab-separated columns ("
                + String.join(" ", COLUMNS)
                + ") and optionally a style, found "
                + f.length);
      }
      for (int c = 0; c < f.length; c++) {
        f[c] = f[c].strip();
        if (f[c].isEmpty()) {
          String name = c < COLUMNS.length ? COLUMNS[c] : "style";
          throw new IllegalArgumentException(where + ": column '" + name + "' is empty");
        }
      }
      CatalogEntry e;
      try {
        String style = f.length > COLUMNS.length ? f[COLUMNS.length] : "-";
        e =
            new CatalogEntry(
                f[0], AssetKind.of(f[1]), Split.of(f[2]), f[3], f[4], f[5], f[6], style);
      } catch (IllegalArgumentException bad) {
        throw new IllegalArgumentException(where + ": " + bad.getMessage(), bad);
      }
      String p = e.path();
      if (p.startsWith("/") || p.contains("\\") || List.of(p.split("/")).contains("..")) {
        throw new IllegalArgumentException(
            where + ": path must be relative to the asset root, with / separators: " + p);
      }
      Integer before = seen.putIfAbsent(p, i + 1);
      if (before != null) {
        throw new IllegalArgumentException(
            where
                + ": "
                + p
                + " is already listed on line "
                + before
                + " (a file belongs to one split and one kind only)");
      }
      entries.add(e);
    }
    if (entries.isEmpty()) {
      throw new IllegalArgumentException(source + " lists no files");
    }
    return new Catalog(entries, source);
  }

  /** Where the catalog was read from. */
  public String source() {
    return source;
  }

  /** Every entry, in file order. */
  public List<CatalogEntry> entries() {
    return entries;
  }

  /** The entries of one split, in file order. */
  public List<CatalogEntry> entries(Split split) {
    return entries.stream().filter(e -> e.split() == split).toList();
  }

  /** The entries of one split and kind, in file order. */
  public List<CatalogEntry> entries(Split split, AssetKind kind) {
    return entries.stream().filter(e -> e.split() == split && e.kind() == kind).toList();
  }

  /**
   * The catalogued files that are missing or empty below an asset cache.
   *
   * @param assets the cache of {@code training/fetch-benchmark-assets.sh} or its {@code root/}
   */
  public List<CatalogEntry> missingFiles(Path assets) {
    Path root = AssetLibrary.resolveRoot(assets);
    List<CatalogEntry> missing = new ArrayList<>();
    for (CatalogEntry e : entries) {
      Path f = root.resolve(e.path());
      try {
        if (!Files.isRegularFile(f) || Files.size(f) == 0) {
          missing.add(e);
        }
      } catch (IOException io) {
        missing.add(e);
      }
    }
    return missing;
  }

  /** Classes that have both pictures and sounds in {@code split}, sorted. */
  public List<String> classes(Split split) {
    Set<String> seen = labels(split, AssetKind.IMAGE);
    seen.retainAll(labels(split, AssetKind.SOUND));
    return List.copyOf(seen);
  }

  private Set<String> labels(Split split, AssetKind kind) {
    Set<String> out = new TreeSet<>();
    entries(split, kind).forEach(e -> out.add(e.label()));
    return out;
  }

  /**
   * Checks that {@code split} has what a clip needs: at least two classes with pictures and sounds,
   * a background and a noise bed, and no class with pictures but no sounds or the other way round.
   *
   * @throws IllegalArgumentException saying what is missing
   */
  public void requireComplete(Split split) {
    String where = source + ", " + split.label() + " split";
    Set<String> images = labels(split, AssetKind.IMAGE);
    Set<String> sounds = labels(split, AssetKind.SOUND);
    for (String c : images) {
      if (!sounds.contains(c)) {
        throw new IllegalArgumentException(where + ": class '" + c + "' has images but no sounds");
      }
    }
    for (String c : sounds) {
      if (!images.contains(c)) {
        throw new IllegalArgumentException(where + ": class '" + c + "' has sounds but no images");
      }
    }
    if (images.size() < 2) {
      throw new IllegalArgumentException(
          where + ": needs at least 2 classes with images and sounds, has " + images);
    }
    if (entries(split, AssetKind.BACKGROUND).isEmpty()) {
      throw new IllegalArgumentException(where + ": no background");
    }
    if (entries(split, AssetKind.NOISE).isEmpty()) {
      throw new IllegalArgumentException(where + ": no noise bed");
    }
  }
}
