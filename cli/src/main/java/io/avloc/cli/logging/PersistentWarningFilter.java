package io.avloc.cli.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Keeps the console to avloc's own lines: a WARN from a third-party logger (Kafka's clients, its
 * embedded broker) is denied on the console unless that logger keeps warning. Kafka logs retriable
 * conditions at WARN (for instance {@code CONCURRENT_TRANSACTIONS … retrying} while a transaction
 * coordinator finishes the previous commit) that resolve themselves; they still go to the log file
 * in full. A logger that warns {@link #threshold} times within {@link #window} is no longer
 * transient: its next warning reaches the console, at most once per window, so a condition that
 * persists is never silent. Errors and other loggers pass untouched.
 *
 * <p>Configured in {@code logback.xml} on the console appender; {@code prefixes} is a
 * comma-separated list of logger-name prefixes it applies to.
 */
public final class PersistentWarningFilter extends Filter<ILoggingEvent> {

  /** Warnings of one logger within {@link #window} that make it persistent. */
  private int threshold = 10;

  private long windowMs = 60_000;
  private String[] prefixes = {"org.apache.kafka", "kafka"};
  private final LongSupplier clockMs;
  private final Map<String, ArrayDeque<Long>> recent = new HashMap<>();
  private final Map<String, Long> lastShownMs = new HashMap<>();

  public PersistentWarningFilter() {
    this(System::currentTimeMillis);
  }

  PersistentWarningFilter(LongSupplier clockMs) {
    this.clockMs = clockMs;
  }

  public void setThreshold(int threshold) {
    if (threshold < 1) {
      throw new IllegalArgumentException("threshold must be at least 1: " + threshold);
    }
    this.threshold = threshold;
  }

  public void setWindowMs(long windowMs) {
    if (windowMs < 1) {
      throw new IllegalArgumentException("windowMs must be at least 1: " + windowMs);
    }
    this.windowMs = windowMs;
  }

  public void setPrefixes(String prefixes) {
    this.prefixes = prefixes.trim().split("\\s*,\\s*");
  }

  @Override
  public FilterReply decide(ILoggingEvent event) {
    if (event.getLevel() != Level.WARN || !applies(event.getLoggerName())) {
      return FilterReply.NEUTRAL;
    }
    long now = clockMs.getAsLong();
    synchronized (this) {
      ArrayDeque<Long> times =
          recent.computeIfAbsent(event.getLoggerName(), k -> new ArrayDeque<>());
      times.addLast(now);
      while (!times.isEmpty() && times.peekFirst() <= now - windowMs) {
        times.removeFirst();
      }
      if (times.size() < threshold) {
        return FilterReply.DENY;
      }
      Long shown = lastShownMs.get(event.getLoggerName());
      if (shown != null && now - shown < windowMs) {
        return FilterReply.DENY;
      }
      lastShownMs.put(event.getLoggerName(), now);
      return FilterReply.NEUTRAL;
    }
  }

  private boolean applies(String logger) {
    for (String p : prefixes) {
      if (logger.equals(p) || logger.startsWith(p + ".")) {
        return true;
      }
    }
    return false;
  }
}
