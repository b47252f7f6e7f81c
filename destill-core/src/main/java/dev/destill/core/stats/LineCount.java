package dev.destill.core.stats;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * How many lines of one normalized template a stream produced in one minute.
 *
 * @param minute the start of the minute, truncated to whole minutes
 * @param source where the lines came from: an OTLP {@code service.name}, a syslog host, a CI
 *     provider or {@code file}
 * @param stream the stream within the source (a service instance, a syslog app-name, a job)
 * @param level the lines' severity
 * @param template the normalized line template, as recurrence normalizes it
 * @param lines how many lines, at least 1
 */
public record LineCount(
    Instant minute, String source, String stream, Level level, String template, long lines) {
  public LineCount {
    Objects.requireNonNull(minute, "minute");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(stream, "stream");
    Objects.requireNonNull(level, "level");
    Objects.requireNonNull(template, "template");
    minute = minute.truncatedTo(ChronoUnit.MINUTES);
    if (lines < 1) {
      throw new IllegalArgumentException("a count needs at least one line");
    }
  }
}
