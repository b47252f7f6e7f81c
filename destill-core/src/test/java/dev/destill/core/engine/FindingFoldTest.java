package dev.destill.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.destill.core.model.Finding;
import dev.destill.core.model.FindingSource;
import dev.destill.core.model.JobState;
import dev.destill.core.model.Severity;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FindingFoldTest {

  private static Finding f(
      String job, String hash, long line, double confidence, String message, String... signals) {
    return new Finding(
        job + line + hash,
        hash,
        Severity.ERROR,
        confidence,
        1,
        job,
        "",
        line,
        line,
        message,
        hash,
        List.of(message),
        List.of(),
        List.of(),
        1,
        FindingSource.LOG,
        Optional.empty(),
        List.of(signals),
        Optional.empty());
  }

  private static Finding f(String hash, long line, double confidence) {
    return f("build", hash, line, confidence, "error: " + hash);
  }

  @Test
  void shouldFoldDuplicatesOfAJobIntoTheirLowestLineWithTheCountsAdded() {
    FindingFold.Kept kept =
        FindingFold.fold(
            List.of(f("h1", 50, 0.5), f("h1", 10, 0.4), f("h1", 90, 0.5), f("h2", 20, 0.5)), 10);
    assertThat(kept.findings()).extracting(Finding::hash).containsExactly("h1", "h2");
    assertThat(kept.findings().get(0).line()).isEqualTo(10);
    assertThat(kept.findings().get(0).recurrence()).isEqualTo(3);
    assertThat(kept.dropped()).isEmpty();
  }

  @Test
  void shouldNotFoldTheSameHashOfTwoJobs() {
    List<Finding> kept =
        FindingFold.withinJobs(
            List.of(f("a", "h", 1, 0.5, "error: h"), f("b", "h", 1, 0.5, "error: h")));
    assertThat(kept).extracting(Finding::job).containsExactly("a", "b");
  }

  @Test
  void shouldKeepADistinctiveWeakCauseAmongManyOfOneFamily() {
    List<Finding> in = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      in.add(f("build", "c" + i, i, 0.9, "src/m" + i + ".c:2:5: error: unknown type name x" + i));
    }
    in.add(f("build", "ld", 30, 0.5, "collect2: error: ld returned 1 exit status"));
    FindingFold.Kept kept = FindingFold.fold(in, 3);
    assertThat(kept.findings()).extracting(Finding::hash).contains("ld").hasSize(3);
    assertThat(kept.dropped()).containsEntry("build", 18);
  }

  @Test
  void shouldDropTheWeakestCauseAndOnTiesTheLaterOne() {
    FindingFold.Kept kept =
        FindingFold.fold(
            List.of(f("a", 1, 0.9), f("b", 2, 0.2), f("c", 3, 0.5), f("d", 4, 0.5), f("e", 5, 0.1)),
            2);
    assertThat(kept.findings()).extracting(Finding::hash).containsExactly("a", "c");
    assertThat(kept.dropped()).containsEntry("build", 3);
  }

  @Test
  void shouldCapWhatRankingBuildsOnApartFromCausesKeepingTheFirstLines() {
    List<Finding> in = new ArrayList<>();
    in.add(f("build", "x1", 100, 0.3, "make: *** [a] Error 1", Role.CONSEQUENCE.signal()));
    for (int i = 0; i < 5; i++) {
      in.add(f("cause" + i, 10 + i, 0.9));
    }
    in.add(f("build", "x0", 50, 0.3, "make: *** [b] Error 2", Role.CONSEQUENCE.signal()));
    in.add(f("build", "x2", 200, 0.3, "make: *** [c] Error 2", Role.CONSEQUENCE.signal()));
    FindingFold.Kept kept = FindingFold.fold(in, 2);
    // Causes never push consequences out; of those, the two with the first lines stay.
    assertThat(kept.findings())
        .filteredOn(x -> Role.of(x) == Role.CONSEQUENCE)
        .extracting(Finding::hash)
        .containsExactlyInAnyOrder("x0", "x1");
    assertThat(kept.findings()).filteredOn(x -> Role.of(x) == Role.CAUSE).hasSize(2);
    assertThat(kept.dropped()).containsEntry("build", 4);
  }

  @Test
  void shouldMoveAFoldedFindingInItsCapWhenAStrongerOccurrenceTakesItsPlace() {
    FindingFold fold = new FindingFold(2);
    fold.add(f("h1", 50, 0.2));
    fold.add(f("h2", 60, 0.5));
    fold.add(f("h1", 10, 0.9));
    fold.add(f("h3", 70, 0.4));
    assertThat(fold.kept()).extracting(Finding::hash).containsExactlyInAnyOrder("h1", "h2");
    assertThat(fold.dropped()).containsEntry("build", 1);
  }

  @Test
  void shouldTellAScannerWhenANewcomerWouldGoAtOnceAndCountIt() {
    FindingFold fold = new FindingFold(1);
    fold.add("k1", f("h1", 1, 0.9), "error unknown type");
    assertThat(fold.dropsAtOnce("build", "error unknown type", 0.5, 2)).isTrue();
    assertThat(fold.dropsAtOnce("build", "error unknown type", 0.95, 3)).isFalse();
    assertThat(fold.dropsAtOnce("other", "error unknown type", 0.1, 3)).isFalse();
    assertThat(fold.recur("k1")).isTrue();
    assertThat(fold.recur("k2")).isFalse();
    assertThat(fold.kept()).singleElement().extracting(Finding::recurrence).isEqualTo(2);
    assertThat(fold.dropped("build")).isEqualTo(1);
  }

  @Test
  void shouldFoldAcrossJobsPreferringAJobThatDidNotPass() {
    Finding passing = f("lint", "h", 1, 0.9, "error: h").withRecurrence(2);
    Finding failing = f("unit", "h", 7, 0.4, "error: h");
    Finding other = f("unit", "g", 3, 0.5, "error: g");
    List<Finding> out =
        FindingFold.acrossJobs(
            List.of(passing, failing, other),
            Map.of("lint", JobState.PASSED, "unit", JobState.FAILED));
    assertThat(out).extracting(Finding::hash).containsExactly("h", "g");
    assertThat(out.get(0).job()).isEqualTo("unit");
    assertThat(out.get(0).recurrence()).isEqualTo(3);
  }

  @Test
  void shouldFoldAcrossJobsToTheMostConfidentThenTheLowerTier() {
    Finding a = f("a", "h", 1, 0.5, "error: h").withTier(2);
    Finding b = f("b", "h", 1, 0.5, "error: h").withTier(1);
    Finding c = f("c", "h", 1, 0.4, "error: h").withTier(1);
    assertThat(FindingFold.acrossJobs(List.of(a, b, c), Map.of()))
        .singleElement()
        .extracting(Finding::job)
        .isEqualTo("b");
  }
}
