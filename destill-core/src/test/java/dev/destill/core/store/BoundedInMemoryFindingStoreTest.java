package dev.destill.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.destill.core.model.Finding;
import dev.destill.core.store.StoreBatch.RequestFinding;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The store contract against the store local mode uses: {@link InMemoryFindingStore#bounded}, with
 * room for as many distinct findings per job as an analysis keeps.
 */
class BoundedInMemoryFindingStoreTest extends AbstractFindingStoreTest {
  @Override
  protected FindingStore newStore() {
    return InMemoryFindingStore.bounded(clock, 500);
  }

  /**
   * The bounded store folds the repeats of a hash within a job into one finding that counts them,
   * as one pass over a log does: the contract's thousands of findings are 50 distinct ones.
   */
  @Override
  @Test
  void shouldApplyThousandsOfFindingsInOneBatch() {
    List<RequestFinding> many = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      many.add(new RequestFinding("req-" + (i % 3), finding("f" + i, "h" + (i % 50), 0.5, 2)));
    }
    store.apply(new StoreBatch(many, List.of()));
    store.apply(new StoreBatch(many, List.of()));
    assertThat(store.request("req-1").orElseThrow().findings()).isEqualTo(50);
    assertThat(store.findings("req-2").stream().mapToInt(Finding::recurrence).sum())
        .as("every finding counted once (each stands for 2), the replay not at all")
        .isEqualTo(1000 * 2);
  }
}
