package dev.destill.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.destill.core.model.Finding;
import dev.destill.core.model.FindingSource;
import dev.destill.core.model.Severity;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StrongestFindingsTest {

  private static Finding f(
      String id, String hash, long line, double confidence, String... signals) {
    return new Finding(
        id,
        hash,
        Severity.ERROR,
        confidence,
        1,
        "build",
        "",
        line,
        line,
        "m " + hash,
        hash,
        List.of("m"),
        List.of(),
        List.of(),
        1,
        FindingSource.LOG,
        Optional.empty(),
        List.of(signals),
        Optional.empty());
  }

  @Test
  void shouldTakeEachIdOnceAndFoldRepeatsIntoTheirFirstLine() {
    StrongestFindings s = new StrongestFindings(10);
    assertThat(s.add(f("a", "h1", 50, 0.5))).isTrue();
    assertThat(s.add(f("a", "h1", 50, 0.5))).isFalse(); // redelivered
    s.add(f("b", "h1", 10, 0.5));
    s.add(f("c", "h1", 90, 0.5));
    assertThat(s.kept())
        .singleElement()
        .satisfies(
            k -> {
              assertThat(k.line()).isEqualTo(10);
              assertThat(k.recurrence()).isEqualTo(3);
            });
  }

  @Test
  void shouldRememberABoundedNumberOfIdsHoweverManyFindingsArrive() {
    StrongestFindings s = new StrongestFindings(10);
    for (int i = 0; i < 100_000; i++) {
      s.add(f("id-" + i, "h" + (i % 7), i, 0.5));
    }
    assertThat(s.idsRemembered()).isEqualTo(s.idWindow()).isLessThan(100_000);
    assertThat(s.size()).isEqualTo(7);
    // A redelivery of the latest findings still adds nothing.
    assertThat(s.add(f("id-99999", "h0", 99_999, 0.5))).isFalse();
    assertThat(s.kept().stream().mapToInt(Finding::recurrence).sum()).isEqualTo(100_000);
  }

  @Test
  void shouldKeepTheStrongestAndCountTheRest() {
    StrongestFindings s = new StrongestFindings(2);
    s.add(f("a", "h1", 1, 0.9));
    s.add(f("b", "h2", 2, 0.2));
    s.add(f("c", "h3", 3, 0.5));
    s.add(f("d", "h4", 4, 0.1));
    s.add(f("e", "h5", 5, 0.3, "consequence")); // always kept
    assertThat(s.kept()).extracting(Finding::hash).containsExactly("h1", "h3", "h5");
    assertThat(s.dropped()).containsEntry("build", 2);
  }

  @Test
  void shouldReorderAFoldedFindingWhoseConfidenceChanged() {
    StrongestFindings s = new StrongestFindings(2);
    s.add(f("a", "h1", 50, 0.2));
    s.add(f("b", "h2", 60, 0.5));
    s.add(f("c", "h1", 10, 0.9)); // an earlier, stronger occurrence of h1 takes its place
    s.add(f("d", "h3", 70, 0.4)); // now h3 is weaker than both
    assertThat(s.kept()).extracting(Finding::hash).containsExactlyInAnyOrder("h1", "h2");
  }
}
