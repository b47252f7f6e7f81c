package dev.destill.app.eval;

import dev.destill.core.model.Finding;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The scoring rule of the evaluation data: a finding hits when its line range, counting only its
 * first {@value #COUNTED_LINES} lines, overlaps a gold range. Pure.
 */
public final class Scoring {
  /** Only this many lines of a finding's range count, so a huge range cannot cover a log. */
  public static final int COUNTED_LINES = 10;

  private Scoring() {}

  /**
   * Where the first hit is, and how many finding lines a reader goes through to reach it.
   *
   * @param rank 1-based rank of the first finding that hits, empty when none of the findings does
   * @param linesRead the counted lines of every finding ranked above the hit, plus the lines of the
   *     hitting finding up to and including its first gold line
   */
  public record Outcome(OptionalInt rank, long linesRead) {
    public boolean hitWithin(int k) {
      return rank.isPresent() && rank.getAsInt() <= k;
    }
  }

  public static Outcome score(List<Finding> ranked, List<long[]> gold) {
    long read = 0;
    for (int i = 0; i < ranked.size(); i++) {
      Finding f = ranked.get(i);
      if (f.line() <= 0) {
        continue; // a JUnit finding points at no log line
      }
      long start = f.line();
      long end = Math.min(f.endLine(), start + COUNTED_LINES - 1);
      // The first gold line inside the counted lines, if any.
      OptionalLong firstGold =
          gold.stream()
              .filter(g -> start <= g[1] && g[0] <= end)
              .mapToLong(g -> Math.max(g[0], start))
              .min();
      if (firstGold.isPresent()) {
        return new Outcome(OptionalInt.of(i + 1), read + firstGold.getAsLong() - start + 1);
      }
      read += end - start + 1;
    }
    return new Outcome(OptionalInt.empty(), read);
  }

  /** The median of {@code values}; 0 for none. */
  public static double median(List<Long> values) {
    if (values.isEmpty()) {
      return 0;
    }
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2.0;
  }
}
