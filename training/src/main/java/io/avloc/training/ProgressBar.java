package io.avloc.training;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A progress line for long jobs (dataset generation, training, evaluation): done/total, percent,
 * rate, ETA and a free-form status. On a terminal the line is redrawn in place at most 5 times a
 * second; elsewhere (logs, CI) a full line is printed at most every 10 seconds, plus the last one.
 *
 * <p>Not thread-safe: call it from the thread that drives the job.
 */
public final class ProgressBar {

  private static final long TERMINAL_INTERVAL_NS = 200_000_000L;
  private static final long LOG_INTERVAL_NS = 10_000_000_000L;

  private final PrintStream out;
  private final String label;
  private final String unit;
  private final long total;
  private final boolean terminal;
  private final LongSupplier clock;
  private final long startNs;
  private long lastDrawNs;
  private long done;
  private String status = "";
  private boolean finished;

  /**
   * @param out where to draw (normally {@code System.err})
   * @param label what is being done, e.g. {@code "epoch 3/20"}
   * @param total the number of units when done (≥ 1)
   * @param unit the unit counted, e.g. {@code "clips"} or {@code "samples"}
   */
  public ProgressBar(PrintStream out, String label, long total, String unit) {
    this(out, label, total, unit, System.console() != null, System::nanoTime);
  }

  ProgressBar(
      PrintStream out,
      String label,
      long total,
      String unit,
      boolean terminal,
      LongSupplier clock) {
    if (total < 1) {
      throw new IllegalArgumentException("total must be at least 1, got " + total);
    }
    this.out = out;
    this.label = label;
    this.total = total;
    this.unit = unit;
    this.terminal = terminal;
    this.clock = clock;
    this.startNs = clock.getAsLong();
    this.lastDrawNs = startNs - LOG_INTERVAL_NS;
  }

  /** Sets the status shown after the counters, e.g. {@code "loss 7.91"}. */
  public ProgressBar status(String text) {
    this.status = text == null ? "" : text;
    return this;
  }

  /** Adds {@code units} to the count and redraws if it is time to. */
  public void step(long units) {
    done = Math.min(total, done + units);
    long now = clock.getAsLong();
    if (now - lastDrawNs >= (terminal ? TERMINAL_INTERVAL_NS : LOG_INTERVAL_NS)) {
      draw(now, false);
    }
  }

  /** Draws the final line (once). */
  public void finish() {
    if (!finished) {
      finished = true;
      draw(clock.getAsLong(), true);
    }
  }

  /** Units counted so far. */
  public long done() {
    return done;
  }

  /** Units per second since the start. */
  public double rate() {
    double seconds = (clock.getAsLong() - startNs) / 1e9;
    return seconds <= 0 ? 0 : done / seconds;
  }

  /** The line as it would be drawn now. */
  public String line() {
    return line(clock.getAsLong());
  }

  private void draw(long now, boolean last) {
    lastDrawNs = now;
    String text = line(now);
    if (terminal) {
      out.print("\r" + text + "\u001b[K" + (last ? System.lineSeparator() : ""));
    } else {
      out.println(text);
    }
    out.flush();
  }

  private String line(long now) {
    double seconds = Math.max(1e-9, (now - startNs) / 1e9);
    double rate = done / seconds;
    int width = 24;
    int filled = (int) (width * done / total);
    String bar = "#".repeat(filled) + "-".repeat(width - filled);
    String eta = rate > 0 && done < total ? format((long) ((total - done) / rate)) : "--";
    return String.format(
        Locale.ROOT,
        "%s [%s] %d/%d %s (%3.0f%%) %.1f %s/s, elapsed %s, ETA %s%s",
        label,
        bar,
        done,
        total,
        unit,
        100.0 * done / total,
        rate,
        unit,
        format((long) seconds),
        eta,
        status.isEmpty() ? "" : " | " + status);
  }

  static String format(long seconds) {
    Duration d = Duration.ofSeconds(seconds);
    return d.toHours() > 0
        ? String.format(
            Locale.ROOT, "%d:%02d:%02d", d.toHours(), d.toMinutesPart(), d.toSecondsPart())
        : String.format(Locale.ROOT, "%d:%02d", d.toMinutesPart(), d.toSecondsPart());
  }
}
