package io.avloc.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * CPU time of this JVM's threads grouped by name, digits folded ({@code avloc-batch-worker-3} and
 * {@code -4} count as {@code avloc-batch-worker-#}), from {@code /proc/self/task}: unlike {@code
 * ThreadMXBean} it also sees the JIT compiler and GC threads, which compete for the same cores. A
 * thread that ends between two readings loses its time since the first. Empty where there is no
 * {@code /proc} (not Linux).
 */
final class ThreadCpu {
  private static final Path TASKS = Path.of("/proc/self/task");

  /** Clock ticks per second of {@code /proc}'s utime and stime (USER_HZ, 100 on Linux). */
  private static final double TICKS_PER_S = 100;

  private ThreadCpu() {}

  /** CPU seconds (user + system) used so far, by thread group. */
  static Map<String, Double> byGroup() {
    Map<String, Double> out = new TreeMap<>();
    if (!Files.isDirectory(TASKS)) {
      return out;
    }
    try (Stream<Path> tasks = Files.list(TASKS)) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        try {
          String name = Files.readString(task.resolve("comm")).strip().replaceAll("[0-9]+", "#");
          String stat = Files.readString(task.resolve("stat"));
          // Fields after the parenthesised name: state is field 3, utime 14 and stime 15.
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          double s = (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_S;
          out.merge(name, s, Double::sum);
        } catch (IOException | RuntimeException gone) {
          // the thread ended while being read
        }
      }
    } catch (IOException e) {
      return out;
    }
    return out;
  }

  /** CPU seconds since {@code before}, by thread group. */
  static Map<String, Double> since(Map<String, Double> before) {
    Map<String, Double> out = new TreeMap<>();
    byGroup().forEach((k, v) -> out.put(k, v - before.getOrDefault(k, 0.0)));
    return out;
  }

  /** The {@code n} largest groups, largest first, as "name 1.2 s, …". */
  static String top(Map<String, Double> cpu, int n) {
    return cpu.entrySet().stream()
        .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .limit(n)
        .map(e -> String.format(Locale.ROOT, "%s %.1f s", e.getKey(), e.getValue()))
        .collect(Collectors.joining(", "));
  }
}
