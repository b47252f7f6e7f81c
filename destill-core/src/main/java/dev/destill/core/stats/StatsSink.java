package dev.destill.core.stats;

import java.util.Collection;

/**
 * Where line counts go: the hot statistics (DuckDB per process, PostgreSQL, or Kafka on the way to
 * a stats sink). Implementations are thread-safe and may buffer; counts for the same key add up.
 */
public interface StatsSink {

  /** Adds counts, in any order; may buffer them until {@link #flush}. */
  void add(Collection<LineCount> counts);

  /** Writes what is buffered. */
  void flush();
}
