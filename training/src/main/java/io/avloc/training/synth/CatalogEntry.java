package io.avloc.training.synth;

import java.util.Objects;

/**
 * One media file of the benchmark.
 *
 * @param label the class of an image or sound, the name of an off-screen source or noise bed, or
 *     the scene category of a background
 * @param kind what the file is used for
 * @param split the only split that may use it
 * @param path where it lies below the asset root, with {@code /} separators (e.g. {@code
 *     usr/share/qabcs/abcs/all/noises/dog.ogg})
 * @param pkg the Debian package that ships it
 * @param licence the licence of the file (SPDX-like, from the package's {@code debian/copyright})
 * @param group the super-category of an image/sound class ({@code animal}, {@code instrument}),
 *     used to pick hard-negative distractors; {@code -} for the other kinds
 * @param style how a picture is drawn: {@value #PHOTO}, {@value #CLIPART} or {@value #EMOJI}
 *     (results are reported per style); {@code -} for recordings, backgrounds and pictures of a
 *     catalog without the column
 */
public record CatalogEntry(
    String label,
    AssetKind kind,
    Split split,
    String path,
    String pkg,
    String licence,
    String group,
    String style) {

  /** A photo cut-out (Tux Paint stamps, Scratch photos of people). */
  public static final String PHOTO = "photo";

  /** A drawing (qABCs, openclipart, Scratch cartoons). */
  public static final String CLIPART = "clipart";

  /** An emoji (Noto, Firefox OS, EmojiOne, Streamline). */
  public static final String EMOJI = "emoji";

  /** The styles a picture may have. */
  public static final java.util.List<String> STYLES = java.util.List.of(PHOTO, CLIPART, EMOJI);

  /** An entry without a style (recordings, backgrounds, catalogs of seven columns). */
  public CatalogEntry(
      String label,
      AssetKind kind,
      Split split,
      String path,
      String pkg,
      String licence,
      String group) {
    this(label, kind, split, path, pkg, licence, group, "-");
  }

  public CatalogEntry {
    Objects.requireNonNull(label, "label");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(split, "split");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(pkg, "pkg");
    Objects.requireNonNull(licence, "licence");
    Objects.requireNonNull(group, "group");
    Objects.requireNonNull(style, "style");
    if (!style.equals("-") && !STYLES.contains(style)) {
      throw new IllegalArgumentException(
          "style must be photo, clipart, emoji or -, got '" + style + "'");
    }
  }

  /** The file name without folders, e.g. {@code dog.ogg}. */
  public String fileName() {
    return path.substring(path.lastIndexOf('/') + 1);
  }
}
