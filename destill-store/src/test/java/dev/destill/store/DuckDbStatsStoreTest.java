package dev.destill.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.destill.core.stats.AbstractStatsStoreTest;
import dev.destill.core.stats.Level;
import dev.destill.core.stats.LineCount;
import dev.destill.core.stats.StatsQuery;
import dev.destill.core.stats.StatsRows.Total;
import dev.destill.core.stats.StatsStore;
import dev.destill.store.duckdb.DuckDbStatsStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The statistics contract against a real DuckDB file. */
class DuckDbStatsStoreTest extends AbstractStatsStoreTest {
  @TempDir Path dir;
  private final Clock clock = Clock.fixed(NOON, ZoneOffset.UTC);
  private final Duration retention = Duration.ofDays(30);

  @Override
  protected StatsStore newStore() {
    return new DuckDbStatsStore(dir.resolve("stats/test.duckdb"), clock, retention);
  }

  @Override
  protected StatsStore reopen(StatsStore s) {
    s.close();
    return newStore();
  }

  private static StatsQuery noon() {
    return new StatsQuery(NOON, NOON.plusSeconds(60), Optional.empty(), Duration.ofMinutes(1), 10);
  }

  private static List<LineCount> errors(long n) {
    return List.of(new LineCount(NOON, "api", "main", Level.ERROR, "boom", n));
  }

  @Test
  void shouldTakeOverTheFilesOfEndedProcessesAndLeaveHeldOnesAlone() throws Exception {
    Path stats = dir.resolve("adopt");
    try (DuckDbStatsStore ended = DuckDbStatsStore.open(stats, "watch", 1, clock, retention)) {
      ended.add(errors(2));
    }
    try (DuckDbStatsStore running = DuckDbStatsStore.open(stats, "serve", 2, clock, retention)) {
      running.add(errors(5));
      running.flush();
      assertThat(running.totals(noon())).containsExactly(new Total("api", 7, 7));
      // DuckDB locks a file per process; within one process a second open of the same file is
      // refused as well, which stands in for another process here.
      try (DuckDbStatsStore next = DuckDbStatsStore.open(stats, "stats", 3, clock, retention)) {
        assertThat(next.totals(noon())).isEmpty();
        assertThat(next.held()).containsExactly(running.file());
      }
    }
    assertThat(Files.exists(stats.resolve("watch-1.duckdb"))).isFalse();
    try (DuckDbStatsStore later = DuckDbStatsStore.open(stats, "stats", 4, clock, retention)) {
      assertThat(later.totals(noon())).containsExactly(new Total("api", 7, 7));
      assertThat(later.held()).isEmpty();
    }
  }

  @Test
  void shouldWriteABigBatchWithoutWaitingForAFlush() {
    List<LineCount> many = new java.util.ArrayList<>();
    for (int i = 0; i < DuckDbStatsStore.MAX_BUFFERED; i++) {
      many.add(new LineCount(NOON, "api", "s" + i, Level.INFO, "t", 1));
    }
    store.add(many);
    StatsStore second = new DuckDbStatsStore(dir.resolve("stats/test.duckdb"), clock, retention);
    // The same file cannot be opened twice: the count is read from the first store, unflushed.
    second.close();
    assertThat(store.totals(noon()))
        .containsExactly(new Total("api", DuckDbStatsStore.MAX_BUFFERED, 0));
  }
}
