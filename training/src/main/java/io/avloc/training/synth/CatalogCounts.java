package io.avloc.training.synth;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * How much variety a catalog gives each on-screen class: distinct pictures (per split and per
 * {@link CatalogEntry#style() style}) and distinct sound sources (per split; recordings and
 * soundfont renders apart). Each catalog line is one file, so these count files, never
 * augmentations (a speed change or a crop of a file is not a new source).
 *
 * <p>{@code avloc data catalog} prints {@link #markdown()}; docs/benchmark-data.md holds its
 * output.
 */
public final class CatalogCounts {

  /** Where the soundfont renders of the fetch script lie below the asset root. */
  static final String RENDERED = "derived/sf2/";

  /** The counts of one class. */
  public record Row(
      String label,
      String group,
      Map<Split, Integer> pictures,
      Map<Split, Map<String, Integer>> picturesByStyle,
      Map<Split, Integer> recordings,
      Map<Split, Integer> renders) {

    /** Distinct sound sources of a split: recordings plus renders. */
    public int sounds(Split split) {
      return recordings.get(split) + renders.get(split);
    }
  }

  private final List<Row> rows;

  private CatalogCounts(List<Row> rows) {
    this.rows = List.copyOf(rows);
  }

  /** Counts the image and sound classes of {@code catalog}. */
  public static CatalogCounts of(Catalog catalog) {
    Map<String, List<CatalogEntry>> byClass = new TreeMap<>();
    for (CatalogEntry e : catalog.entries()) {
      if (e.kind() == AssetKind.IMAGE || e.kind() == AssetKind.SOUND) {
        byClass.computeIfAbsent(e.label(), k -> new ArrayList<>()).add(e);
      }
    }
    List<Row> rows = new ArrayList<>();
    byClass.forEach(
        (label, entries) -> {
          Map<Split, Integer> pictures = zero();
          Map<Split, Integer> recordings = zero();
          Map<Split, Integer> renders = zero();
          Map<Split, Map<String, Integer>> styles = new LinkedHashMap<>();
          for (Split s : Split.values()) {
            Map<String, Integer> m = new LinkedHashMap<>();
            CatalogEntry.STYLES.forEach(st -> m.put(st, 0));
            styles.put(s, m);
          }
          for (CatalogEntry e : entries) {
            if (e.kind() == AssetKind.IMAGE) {
              pictures.merge(e.split(), 1, Integer::sum);
              if (CatalogEntry.STYLES.contains(e.style())) {
                styles.get(e.split()).merge(e.style(), 1, Integer::sum);
              }
            } else if (e.path().startsWith(RENDERED)) {
              renders.merge(e.split(), 1, Integer::sum);
            } else {
              recordings.merge(e.split(), 1, Integer::sum);
            }
          }
          rows.add(new Row(label, entries.get(0).group(), pictures, styles, recordings, renders));
        });
    return new CatalogCounts(rows);
  }

  private static Map<Split, Integer> zero() {
    Map<Split, Integer> m = new LinkedHashMap<>();
    for (Split s : Split.values()) {
      m.put(s, 0);
    }
    return m;
  }

  /** One row per class, sorted by name. */
  public List<Row> rows() {
    return rows;
  }

  /** The row of {@code label}. */
  public Row row(String label) {
    return rows.stream()
        .filter(r -> r.label().equals(label))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no class " + label));
  }

  /** The table of docs/benchmark-data.md ("Per-class counts"). */
  public String markdown() {
    StringBuilder b = new StringBuilder();
    b.append(
        "| class | group | train pictures (photo / clip-art / emoji) | test pictures (photo /"
            + " clip-art / emoji) | train sound sources (recorded + rendered) | test sound"
            + " sources (recorded + rendered) |\n");
    b.append("|---|---|---|---|---|---|\n");
    for (Row r : rows) {
      b.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %s | %s | %s | %s |%n",
              r.label(),
              r.group(),
              pictures(r, Split.TRAIN),
              pictures(r, Split.TEST),
              sounds(r, Split.TRAIN),
              sounds(r, Split.TEST)));
    }
    return b.toString();
  }

  private static String pictures(Row r, Split s) {
    Map<String, Integer> st = r.picturesByStyle().get(s);
    int unstyled = r.pictures().get(s) - st.values().stream().mapToInt(Integer::intValue).sum();
    return String.format(
        Locale.ROOT,
        "%d (%d / %d / %d%s)",
        r.pictures().get(s),
        st.get(CatalogEntry.PHOTO),
        st.get(CatalogEntry.CLIPART),
        st.get(CatalogEntry.EMOJI),
        unstyled == 0 ? "" : " / " + unstyled + " unstyled");
  }

  private static String sounds(Row r, Split s) {
    return String.format(
        Locale.ROOT, "%d (%d + %d)", r.sounds(s), r.recordings().get(s), r.renders().get(s));
  }
}
