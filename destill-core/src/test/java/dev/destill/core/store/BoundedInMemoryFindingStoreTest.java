package dev.destill.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.destill.core.model.Finding;
import dev.destill.core.model.FindingSource;
import dev.destill.core.model.JobInfo;
import dev.destill.core.model.JobRecord;
import dev.destill.core.model.JobState;
import dev.destill.core.model.RequestEvent;
import dev.destill.core.model.Severity;
import dev.destill.core.store.StoreBatch.RequestFinding;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
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

  /**
   * What a full bounded store keeps does not depend on the order in which parallel analyze agents
   * finish their chunks: the same chunks applied in any order keep the same findings.
   */
  @Test
  void shouldKeepTheSameFindingsWhateverOrderTheChunksFinishIn() {
    List<List<Integer>> orders =
        List.of(List.of(0, 1, 2, 3, 4, 5), List.of(5, 4, 3, 2, 1, 0), List.of(2, 0, 5, 1, 4, 3));
    List<String> first = null;
    // The job is announced before its chunks (a provider's job) or after them (a local file).
    for (boolean announcedFirst : List.of(true, false))
      for (List<Integer> order : orders) {
        FindingStore s = InMemoryFindingStore.bounded(clock, 3);
        StoreBatch job =
            new StoreBatch(
                List.of(),
                List.of(
                    new RequestEvent.JobIngested(
                        "r",
                        new JobRecord(
                            new JobInfo("a", "job a", JobState.FAILED, OptionalInt.of(1)),
                            6,
                            600,
                            9999))));
        if (announcedFirst) {
          s.apply(job);
        }
        for (int chunk : order) {
          List<RequestFinding> found = new ArrayList<>();
          for (int k = 0; k < 4; k++) {
            // Errors of one family, the same few hashes again and again, ties in confidence.
            long line = chunk * 100L + 1 + k * 10;
            String hash = "h" + ((chunk + k) % 5);
            double confidence = 0.5 + 0.1 * ((chunk * 7 + k) % 3);
            found.add(
                new RequestFinding("r", logFinding("c" + chunk + "k" + k, hash, line, confidence)));
          }
          s.apply(new StoreBatch(found, List.of()));
          s.apply(
              new StoreBatch(
                  List.of(),
                  List.of(AbstractFindingStoreTest.chunkAnalyzed("r", "a", chunk, List.of()))));
        }
        if (!announcedFirst) {
          s.apply(job);
        }
        List<String> kept =
            s.findings("r").stream()
                .map(f -> f.id() + "@" + f.line() + "x" + f.recurrence())
                .toList();
        assertThat(kept).as("order " + order).hasSize(3);
        if (first == null) {
          first = kept;
        } else {
          assertThat(kept)
              .as("order " + order + ", announced first " + announcedFirst)
              .isEqualTo(first);
        }
      }
  }

  private static Finding logFinding(String id, String hash, long line, double confidence) {
    return new Finding(
        id,
        hash,
        Severity.ERROR,
        confidence,
        2,
        "job a",
        "",
        line,
        line,
        "error: failed to compile " + hash,
        "error: failed to compile <id>",
        List.of("error: failed to compile " + hash),
        List.of(),
        List.of(),
        1,
        FindingSource.LOG,
        Optional.empty(),
        List.of("error-level"),
        Optional.empty());
  }
}
