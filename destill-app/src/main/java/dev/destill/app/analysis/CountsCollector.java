package dev.destill.app.analysis;

import dev.destill.core.stats.LineCount;
import dev.destill.core.stats.StatsSink;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Holds the line counts of one local analysis until it is over, so that the statistics file is
 * opened once, after the findings are shown. Bounded by the analysis: a job's counts are its
 * distinct findings plus one. Thread-safe.
 */
public final class CountsCollector implements StatsSink {
  private final List<LineCount> counts = new ArrayList<>();

  @Override
  public synchronized void add(Collection<LineCount> more) {
    counts.addAll(more);
  }

  @Override
  public void flush() {
    // Held until drained.
  }

  /** The counts held, which are then forgotten. */
  public synchronized List<LineCount> drain() {
    List<LineCount> out = List.copyOf(counts);
    counts.clear();
    return out;
  }
}
