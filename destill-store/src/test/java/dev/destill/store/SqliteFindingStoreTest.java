package dev.destill.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.destill.core.model.RequestEvent;
import dev.destill.core.store.AbstractFindingStoreTest;
import dev.destill.core.store.FindingStore;
import dev.destill.core.store.RequestRecord;
import dev.destill.core.store.RequestStatus;
import dev.destill.core.store.StoreBatch;
import dev.destill.store.sqlite.SqliteFindingStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteFindingStoreTest extends AbstractFindingStoreTest {
  @TempDir Path dir;

  @Override
  protected FindingStore newStore() {
    return new SqliteFindingStore(dir.resolve("nested").resolve("destill.db"), clock);
  }

  @Test
  void shouldKeepDataAcrossReopening() {
    create("req-1", "b1");
    save("req-1", List.of(finding("f1", "h1", 0.9, 1)));
    try (FindingStore again = newStore()) {
      assertThat(again.findings("req-1")).hasSize(1);
    }
  }

  @Test
  void shouldExplainAnUnusableLocation() throws Exception {
    Path file = dir.resolve("not-a-dir");
    Files.writeString(file, "x");
    assertThatThrownBy(() -> new SqliteFindingStore(file.resolve("destill.db"), clock))
        .hasMessageContaining("DESTILL_HOME");
  }

  @Test
  void shouldUpgradeAHistoryWrittenBeforeThePipeline() throws Exception {
    Path file = dir.resolve("old.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement()) {
      // Schema 1, as the first release wrote it.
      s.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)");
      s.execute("INSERT INTO schema_version VALUES (1)");
      s.execute(
          "CREATE TABLE requests (id TEXT PRIMARY KEY, target TEXT NOT NULL, build_id TEXT NOT NULL,"
              + " title TEXT NOT NULL, status TEXT NOT NULL, chunks_total INTEGER NOT NULL,"
              + " chunks_done INTEGER NOT NULL, findings INTEGER NOT NULL, error TEXT NOT NULL,"
              + " created TEXT NOT NULL, updated TEXT NOT NULL)");
      s.execute(
          "CREATE TABLE findings (request_id TEXT NOT NULL REFERENCES requests(id), id TEXT NOT NULL,"
              + " hash TEXT NOT NULL, ord INTEGER NOT NULL, confidence REAL NOT NULL,"
              + " tier INTEGER NOT NULL, created TEXT NOT NULL, body TEXT NOT NULL,"
              + " PRIMARY KEY (request_id, id))");
      s.execute(
          "INSERT INTO requests VALUES ('req-old', 'https://ci/1', 'b1', 'old build', 'complete',"
              + " 0, 0, 0, '', '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z')");
      s.execute(
          "INSERT INTO findings VALUES ('req-old', 'f1', 'h-old', 0, 0.9, 1,"
              + " '2026-01-01T00:00:00.000000Z', '{}')");
    }
    try (FindingStore upgraded = new SqliteFindingStore(file, clock)) {
      RequestRecord old = upgraded.request("req-old").orElseThrow();
      assertThat(old.status()).isEqualTo(RequestStatus.COMPLETE);
      assertThat(old.warnings()).isEmpty();
      // The old request counts as submitted: a late Submitted does not rewrite it.
      upgraded.apply(
          new StoreBatch(
              List.of(),
              List.of(
                  new RequestEvent.Submitted("req-old", "other", clock.instant()),
                  new RequestEvent.Ingested("req-new", 0, List.of("no jobs")))));
      assertThat(upgraded.request("req-old").orElseThrow().target()).isEqualTo("https://ci/1");
      assertThat(upgraded.request("req-new").orElseThrow().warnings()).containsExactly("no jobs");
      // Its project comes from its build id, and its hashes count as fp-v2.
      assertThat(upgraded.history(List.of("h-old"), "b2", "b1", 20).get("h-old").buildsSeen())
          .isEqualTo(1);
    }
  }

  @Override
  protected boolean breakTheJobsTable() {
    try (Connection c =
            DriverManager.getConnection(
                "jdbc:sqlite:" + dir.resolve("nested").resolve("destill.db"));
        Statement s = c.createStatement()) {
      s.execute("DROP TABLE jobs");
      return true;
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void shouldCreateTheHistoryReadableByItsOwnerOnly() throws Exception {
    Path file = dir.resolve("fresh").resolve("destill.db");
    try (FindingStore store = new SqliteFindingStore(file, clock)) {
      assertThat(store.recentRequests(1)).isEmpty();
    }
    assertThat(
            java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(file.getParent())))
        .isEqualTo("rwx------");
    assertThat(
            java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
  }

  @Test
  void shouldTightenAnOlderWorldReadableHistory() throws Exception {
    Path file = dir.resolve("old-perms.db");
    Files.createFile(file);
    Files.setPosixFilePermissions(
        file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    new SqliteFindingStore(file, clock).close();
    assertThat(
            java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
  }

  @Test
  void shouldReadAHistoryOpenedReadOnly() {
    create("req-1", "b1");
    save("req-1", List.of(finding("f1", "h1", 0.9, 1)));
    try (FindingStore ro =
        SqliteFindingStore.readOnly(dir.resolve("nested").resolve("destill.db"), clock)) {
      assertThat(ro.findings("req-1")).hasSize(1);
    }
  }
}
