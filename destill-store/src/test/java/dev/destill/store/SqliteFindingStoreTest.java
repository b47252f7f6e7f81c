package dev.destill.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.destill.core.store.AbstractFindingStoreTest;
import dev.destill.core.store.FindingStore;
import dev.destill.store.sqlite.SqliteFindingStore;
import java.nio.file.Files;
import java.nio.file.Path;
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
    store.createRequest(request("req-1", "b1"));
    store.saveFindings("req-1", List.of(finding("f1", "h1", 0.9, 1)));
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
}
