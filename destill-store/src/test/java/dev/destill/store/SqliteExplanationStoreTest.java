package dev.destill.store;

import dev.destill.core.explain.AbstractExplanationStoreTest;
import dev.destill.core.explain.ExplanationStore;
import dev.destill.store.sqlite.SqliteFindingStore;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.io.TempDir;

class SqliteExplanationStoreTest extends AbstractExplanationStoreTest {
  @TempDir Path dir;
  private SqliteFindingStore db;

  @Override
  protected ExplanationStore newStore() {
    db = new SqliteFindingStore(dir.resolve("destill.db"), Clock.systemUTC());
    return db.explanations();
  }

  @Override
  protected void closeStore() {
    db.close();
  }
}
