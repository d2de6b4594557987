package io.avloc.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Durations on the command line: {@code 500ms}, {@code 30s}, {@code 1.5m}, {@code 2h}, a bare
 * number of seconds, or ISO-8601 ({@code PT30S}).
 */
final class DurationConverter implements ITypeConverter<Duration> {
  private static final Pattern SIMPLE =
      Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|min|h)?", Pattern.CASE_INSENSITIVE);

  @Override
  public Duration convert(String value) {
    String v = value.trim();
    Matcher m = SIMPLE.matcher(v);
    if (m.matches()) {
      double n = Double.parseDouble(m.group(1));
      String unit = m.group(2) == null ? "s" : m.group(2).toLowerCase(Locale.ROOT);
      double ms =
          switch (unit) {
            case "ms" -> n;
            case "m", "min" -> n * 60e3;
            case "h" -> n * 3600e3;
            default -> n * 1e3;
          };
      if (ms < 1 || ms > 1e13) {
        throw new TypeConversionException(
            "'" + value + "' is out of range; use a duration from 1ms to a few years");
      }
      return Duration.ofMillis(Math.round(ms));
    }
    try {
      return Duration.parse(v);
    } catch (DateTimeParseException e) {
      throw new TypeConversionException(
          "'" + value + "' is not a duration; use e.g. 500ms, 30s, 2m or 1h");
    }
  }
}
