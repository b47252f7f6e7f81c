package dev.destill.live;

import dev.destill.core.stats.LineCount;
import dev.destill.core.stats.StatsSink;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** A stats sink that keeps every count it is given, for tests. Thread-safe. */
public final class CollectingStatsSink implements StatsSink {
  private final List<LineCount> counts = new ArrayList<>();

  @Override
  public synchronized void add(Collection<LineCount> more) {
    counts.addAll(more);
  }

  @Override
  public void flush() {}

  public synchronized List<LineCount> counts() {
    return List.copyOf(counts);
  }

  /** Lines counted in all. */
  public synchronized long lines() {
    return counts.stream().mapToLong(LineCount::lines).sum();
  }
}
