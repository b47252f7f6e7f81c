package dev.destill.store;

import dev.destill.core.explain.AbstractExplanationStoreTest;
import dev.destill.core.explain.ExplanationStore;
import dev.destill.store.postgres.PostgresFindingStore;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

class PostgresExplanationStoreIT extends AbstractExplanationStoreTest {
  static EmbeddedPostgres postgres;
  private PostgresFindingStore db;

  @BeforeAll
  static void start() throws IOException {
    postgres = EmbeddedPostgres.builder().start();
  }

  @AfterAll
  static void stop() throws IOException {
    postgres.close();
  }

  @Override
  protected ExplanationStore newStore() {
    db = new PostgresFindingStore(postgres.getPostgresDatabase(), Clock.systemUTC());
    try (Connection c = postgres.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute("TRUNCATE explanation_cache, explanations, explanation_requests");
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return db.explanations();
  }

  @Override
  protected void closeStore() {
    db.close();
  }
}
