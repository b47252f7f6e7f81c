package dev.destill.tui;

import static dev.destill.tui.Findings.f;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class TriageModelTest {

  TriageModel model() {
    TriageModel m = new TriageModel("build");
    m.add(f("a", 2, 0.5, "unit", 10, "warning-ish thing"));
    m.add(f("b", 1, 0.9, "unit", 20, "error: cannot find symbol"));
    m.add(f("c", 1, 0.95, "lint", 5, "FATAL: out of memory"));
    m.add(f("d", 3, 0.2, "lint", 7, "deprecated API"));
    return m;
  }

  static List<String> hashes(TriageModel m) {
    return m.rows().stream().map(r -> r.finding().hash()).toList();
  }

  @Test
  void shouldSortByTierThenConfidence() {
    assertThat(hashes(model())).containsExactly("c", "b", "a", "d");
  }

  @Test
  void shouldGroupIdenticalFindingsWithACount() {
    TriageModel m = model();
    m.add(f("b", 1, 0.9, "other-job", 99, "error: cannot find symbol"));
    assertThat(m.rows()).hasSize(4);
    assertThat(m.rows().get(1).count()).isEqualTo(2);
  }

  @Test
  void shouldKeepTheOrderWhileTheUserMovesAndReRankOnRequest() {
    TriageModel m = model();
    m.move(1, 10);
    m.add(f("e", 1, 0.99, "unit", 1, "panic: boom"));
    assertThat(hashes(m)).endsWith("e");
    assertThat(m.newSinceRank()).isEqualTo(1);
    assertThat(m.selectedRow().orElseThrow().finding().hash()).isEqualTo("b");
    m.rerank();
    assertThat(hashes(m)).startsWith("e");
    assertThat(m.selectedRow().orElseThrow().finding().hash())
        .as("selection follows the finding")
        .isEqualTo("b");
  }

  @Test
  void shouldReRankAutomaticallyWhileTheUserHasNotMoved() {
    TriageModel m = model();
    m.add(f("e", 1, 0.99, "unit", 1, "panic: boom"));
    assertThat(hashes(m)).startsWith("e");
  }

  @Test
  void shouldFilterByTierJobAndSeverity() {
    TriageModel m = model();
    m.tierFilter(1);
    assertThat(hashes(m)).containsExactly("c", "b");
    m.tierFilter(2);
    assertThat(hashes(m)).containsExactly("c", "b", "a");
    m.tierFilter(0);
    m.cycleJobFilter();
    assertThat(m.rows()).allSatisfy(r -> assertThat(r.finding().job()).isEqualTo("unit"));
    m.cycleJobFilter();
    assertThat(m.rows()).allSatisfy(r -> assertThat(r.finding().job()).isEqualTo("lint"));
    m.clearFilters();
    m.cycleSeverityFilter();
    assertThat(hashes(m)).doesNotContain("d");
    assertThat(m.filters()).isEqualTo("error+");
  }

  @Test
  void shouldSearchIncrementallyAndCycleThroughMatches() {
    TriageModel m = model();
    m.startSearch();
    for (char c : "error".toCharArray()) {
      m.type(c);
    }
    assertThat(m.selectedRow().orElseThrow().finding().hash()).isEqualTo("b");
    m.commitSearch();
    assertThat(m.status()).contains("1 matches");
    m.startSearch();
    m.type('f');
    m.type('o');
    m.type('o');
    m.commitSearch();
    m.nextMatch();
    assertThat(m.status()).contains("foo");
  }

  @Test
  void shouldMoveWithinBoundsAndScrollTheList() {
    TriageModel m = model();
    m.end(2);
    assertThat(m.selected()).isEqualTo(3);
    assertThat(m.listTop()).isEqualTo(2);
    m.move(10, 2);
    assertThat(m.selected()).isEqualTo(3);
    m.home(2);
    assertThat(m.selected()).isZero();
    assertThat(m.listTop()).isZero();
  }

  @Test
  void shouldScrollTheDetailWhenItHasFocus() {
    TriageModel m = model();
    m.toggleFocus();
    int top = m.detailTop();
    m.move(2, 5);
    assertThat(m.detailTop()).isEqualTo(top + 2);
    assertThat(m.selected()).isZero();
    m.sideways(8);
    assertThat(m.detailLeft()).isEqualTo(8);
    m.sideways(-100);
    assertThat(m.detailLeft()).isZero();
  }

  @Test
  void shouldShowContextAroundTheBlockWithLineNumbers() {
    List<TriageModel.DetailLine> d = model().detail();
    assertThat(d)
        .extracting(TriageModel.DetailLine::text)
        .contains("before 1", "FATAL: out of memory", "after 1");
    TriageModel.DetailLine error = d.get(model().detailAnchor());
    assertThat(error.number()).isEqualTo(5);
    assertThat(error.kind()).isEqualTo(TriageModel.DetailLine.Kind.ERROR);
  }

  @Test
  void shouldCycleSorts() {
    TriageModel m = model();
    m.cycleSort();
    assertThat(m.sort()).isEqualTo(TriageModel.Sort.POSITION);
    assertThat(hashes(m)).containsExactly("c", "d", "a", "b");
  }
}
