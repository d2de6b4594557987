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
 */
public record CatalogEntry(
    String label,
    AssetKind kind,
    Split split,
    String path,
    String pkg,
    String licence,
    String group) {

  public CatalogEntry {
    Objects.requireNonNull(label, "label");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(split, "split");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(pkg, "pkg");
    Objects.requireNonNull(licence, "licence");
    Objects.requireNonNull(group, "group");
  }

  /** The file name without folders, e.g. {@code dog.ogg}. */
  public String fileName() {
    return path.substring(path.lastIndexOf('/') + 1);
  }
}
