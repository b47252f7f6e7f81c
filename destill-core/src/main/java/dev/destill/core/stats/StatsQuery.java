package dev.destill.core.stats;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Optional;

/**
 * What a statistics query covers: the minutes {@code from} (inclusive) to {@code to} (exclusive),
 * one source or all, the width of a time bucket and how many rows a ranked answer has at most.
 *
 * @param from the first minute, truncated to whole minutes
 * @param to the end, exclusive, truncated to whole minutes; after {@code from}
 * @param source one source, or all when empty
 * @param step the width of a bucket of {@link StatsStore#volume}: whole minutes, at least one;
 *     buckets start at multiples of the step since the epoch
 * @param limit the most rows of a ranked answer, 1 to {@link #MAX_LIMIT}
 */
public record StatsQuery(
    Instant from, Instant to, Optional<String> source, Duration step, int limit) {
  /** The most rows a ranked answer may ask for. */
  public static final int MAX_LIMIT = 1_000;

  public StatsQuery {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(step, "step");
    from = from.truncatedTo(ChronoUnit.MINUTES);
    to = to.truncatedTo(ChronoUnit.MINUTES);
    if (!to.isAfter(from)) {
      throw new IllegalArgumentException("a statistics window must end after it starts");
    }
    if (step.toMinutes() < 1 || !step.equals(Duration.ofMinutes(step.toMinutes()))) {
      throw new IllegalArgumentException("a bucket is a whole number of minutes, at least one");
    }
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be 1 to " + MAX_LIMIT + ", was " + limit);
    }
  }

  /** The window of {@code window} ending at {@code now}'s minute (inclusive), all sources. */
  public static StatsQuery last(Instant now, Duration window, Duration step, int limit) {
    Instant end = now.truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(1));
    return new StatsQuery(end.minus(window), end, Optional.empty(), step, limit);
  }

  /** The same query narrowed to {@code name}. */
  public StatsQuery forSource(String name) {
    return new StatsQuery(from, to, Optional.of(name), step, limit);
  }

  /** {@link #from} in minutes since the epoch, as the stores keep minutes. */
  public long fromMinute() {
    return from.getEpochSecond() / 60;
  }

  /** {@link #to} in minutes since the epoch. */
  public long toMinute() {
    return to.getEpochSecond() / 60;
  }

  /** {@link #step} in minutes. */
  public long stepMinutes() {
    return step.toMinutes();
  }
}
