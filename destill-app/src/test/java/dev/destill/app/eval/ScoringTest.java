package dev.destill.app.eval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.destill.core.model.Finding;
import dev.destill.core.model.FindingSource;
import dev.destill.core.model.Severity;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ScoringTest {

  private static Finding at(long line, long end) {
    return new Finding(
        "id" + line,
        "h" + line,
        Severity.ERROR,
        0.5,
        1,
        "j",
        "",
        line,
        end,
        "m",
        "m",
        List.of(),
        List.of(),
        List.of(),
        1,
        FindingSource.LOG,
        Optional.empty(),
        List.of(),
        Optional.empty());
  }

  @Test
  void shouldHitWhenARangeOverlapsGold() {
    Scoring.Outcome o = Scoring.score(List.of(at(1, 2), at(50, 52)), List.of(new long[] {51, 60}));
    assertThat(o.rank()).hasValue(2);
    assertThat(o.linesRead()).isEqualTo(2 + 2); // 2 lines of the first finding, then 50..51
  }

  @Test
  void shouldCountOnlyTheFirstTenLinesOfAFinding() {
    Scoring.Outcome o = Scoring.score(List.of(at(1, 500)), List.of(new long[] {11, 11}));
    assertThat(o.rank()).isEmpty();
    assertThat(Scoring.score(List.of(at(1, 500)), List.of(new long[] {10, 10})).rank()).hasValue(1);
  }

  @Test
  void shouldSkipJunitFindingsWithoutLines() {
    assertThat(Scoring.score(List.of(at(0, 0)), List.of(new long[] {0, 5})).rank()).isEmpty();
  }

  @Test
  void shouldTakeTheMedian() {
    assertThat(Scoring.median(List.of(5L, 1L, 3L))).isEqualTo(3.0);
    assertThat(Scoring.median(List.of(4L, 1L))).isEqualTo(2.5);
    assertThat(Scoring.median(List.of())).isZero();
  }
}
