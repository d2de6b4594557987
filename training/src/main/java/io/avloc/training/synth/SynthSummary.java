package io.avloc.training.synth;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a run of {@link SynthBenchmark#generate} wrote.
 *
 * @param out the output folder
 * @param split the split the media came from
 * @param seed the run's seed
 * @param clips the number of clips
 * @param byType clips per {@link ClipType#label()}, in the enum's order
 * @param byClass clips in which each class or source is heard (two-source clips count for both),
 *     sorted by name; {@code noise} counts the noise-only clips
 * @param boxes the number of ground-truth boxes in {@code vggss.json}
 * @param loadSeconds wall-clock time spent decoding the media before the first clip
 * @param seconds wall-clock time of the whole run, loading included
 */
public record SynthSummary(
    Path out,
    Split split,
    long seed,
    int clips,
    Map<String, Integer> byType,
    Map<String, Integer> byClass,
    int boxes,
    double loadSeconds,
    double seconds) {

  public SynthSummary {
    byType = Collections.unmodifiableMap(new LinkedHashMap<>(byType));
    byClass = Collections.unmodifiableMap(new TreeMap<>(byClass));
  }

  /** Clips per second once the media were loaded. */
  public double rate() {
    double making = seconds - loadSeconds;
    return making <= 0 ? 0 : clips / making;
  }

  /** A few lines for people: totals, clip types, classes. */
  public String describe() {
    StringBuilder s = new StringBuilder();
    s.append(
        String.format(
            Locale.ROOT,
            "wrote %d %s clips (seed %d) to %s in %.1f s (media loaded in %.1f s, then %.1f"
                + " clips/s), %d boxes%n",
            clips,
            split.label(),
            seed,
            out,
            seconds,
            loadSeconds,
            rate(),
            boxes));
    s.append("clip types:");
    byType.forEach(
        (t, n) -> s.append(String.format(Locale.ROOT, " %s %d (%.0f%%)", t, n, 100.0 * n / clips)));
    s.append(System.lineSeparator()).append("heard:");
    byClass.forEach((c, n) -> s.append(' ').append(c).append(' ').append(n));
    s.append(System.lineSeparator());
    return s.toString();
  }
}
