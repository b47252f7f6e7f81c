package dev.destill.store;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/** The PostgreSQL ITs' fresh start: an empty public schema, for a store to migrate from scratch. */
final class EmptySchema {
  private EmptySchema() {}

  static DataSource of(EmbeddedPostgres postgres) {
    DataSource db = postgres.getPostgresDatabase();
    try (Connection c = db.getConnection();
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA public CASCADE");
      s.execute("CREATE SCHEMA public");
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return db;
  }
}
