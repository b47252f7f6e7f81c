package dev.destill.core.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class InMemoryStatsStoreTest extends AbstractStatsStoreTest {
  @Override
  protected StatsStore newStore() {
    return new InMemoryStatsStore();
  }

  @Test
  void shouldDropCountsOfNewRowsBeyondItsBound() {
    InMemoryStatsStore small = new InMemoryStatsStore(1);
    small.add(
        List.of(
            new LineCount(NOON, "api", "main", Level.INFO, "a", 2),
            new LineCount(NOON, "api", "main", Level.INFO, "b", 3),
            new LineCount(NOON, "api", "main", Level.INFO, "a", 1)));
    assertThat(small.dropped()).isEqualTo(3);
    assertThat(
            small.totals(
                new StatsQuery(
                    NOON, NOON.plusSeconds(60), Optional.empty(), Duration.ofMinutes(1), 1)))
        .containsExactly(new StatsRows.Total("api", 3, 0));
  }
}
