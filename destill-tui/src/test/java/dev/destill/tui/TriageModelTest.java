package dev.destill.tui;

import static dev.destill.tui.Findings.f;
import static org.assertj.core.api.Assertions.assertThat;

import dev.destill.core.model.ProgressEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
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
    pick(m, "job: unit");
    assertThat(m.rows()).allSatisfy(r -> assertThat(r.finding().job()).isEqualTo("unit"));
    pick(m, "job: lint");
    assertThat(m.rows()).allSatisfy(r -> assertThat(r.finding().job()).isEqualTo("lint"));
    pick(m, "clear all filters");
    pick(m, "severity: error and fatal");
    assertThat(hashes(m)).doesNotContain("d");
    assertThat(m.filters()).isEqualTo("error+");
  }

  /** Opens the filter picker, moves to the item labelled {@code label} and applies it. */
  static void pick(TriageModel m, String label) {
    m.openFilterMenu();
    m.menuMove(Integer.MIN_VALUE / 2);
    List<TriageModel.MenuItem> items = m.menu().orElseThrow();
    int at = items.stream().map(TriageModel.MenuItem::label).toList().indexOf(label);
    assertThat(at).as("menu has " + label + ": " + items).isNotNegative();
    m.menuMove(at);
    m.menuApply();
    assertThat(m.menu()).isEmpty();
  }

  @Test
  void shouldOfferEachFilterWithTheCountItWouldShow() {
    TriageModel m = model();
    m.tierFilter(1);
    m.openFilterMenu();
    List<TriageModel.MenuItem> items = m.menu().orElseThrow();
    assertThat(items)
        .extracting(TriageModel.MenuItem::label)
        .contains("tier: all", "tier: 1 only (likely causes)", "job: unit", "job: lint")
        .endsWith("clear all filters");
    TriageModel.MenuItem unit =
        items.stream().filter(i -> i.label().equals("job: unit")).findFirst().orElseThrow();
    assertThat(unit.count()).as("tier 1 findings of job unit").isEqualTo(1);
    assertThat(items.get(m.menuCursor()).label())
        .as("opens on the active filter")
        .isEqualTo("tier: 1 only (likely causes)");
    m.closeMenu();
    assertThat(m.filters()).isEqualTo("tier 1");
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
    assertThat(m.matchSummary()).isEqualTo("1/1 (1 finding)");
    m.startSearch();
    for (char c : "foo".toCharArray()) {
      m.type(c);
    }
    m.commitSearch();
    assertThat(m.matchCount()).as("every block has Foo.bar").isEqualTo(4);
    assertThat(m.matchSummary()).as("from the selection on").isEqualTo("2/4 (4 findings)");
    m.nextMatch();
    assertThat(m.matchSummary()).startsWith("3/4");
    m.previousMatch();
    m.previousMatch();
    m.previousMatch();
    assertThat(m.matchSummary()).as("wraps around").startsWith("4/4");
    assertThat(m.selected()).isEqualTo(3);
    m.startSearch();
    m.type('z');
    m.commitSearch();
    assertThat(m.status()).isEqualTo("no match for 'z'");
  }

  @Test
  void shouldGoOnFromTheFindingsToTheLogLinesThatMatch() {
    TriageModel m = model();
    m.startSearch();
    for (char c : "symbol".toCharArray()) {
      m.type(c);
    }
    m.commitSearch();
    m.logHits(
        List.of(
            new TriageModel.LogHit("unit", 20, List.of(), "inside the finding: symbol", List.of()),
            new TriageModel.LogHit(
                "unit", 300, List.of("line 298", "line 299"), "symbol again", List.of("301"))));
    assertThat(m.matchSummary())
        .as("a line inside a finding is that finding's match")
        .isEqualTo("1/2 (1 finding, 1 log line)");
    m.nextMatch();
    assertThat(m.shownHit()).map(TriageModel.LogHit::line).contains(300L);
    assertThat(m.detail())
        .extracting(TriageModel.DetailLine::text)
        .contains("unit  line 300", "line 299", "symbol again", "301");
    assertThat(m.detail().get(m.detailAnchor()).number()).isEqualTo(300);
    m.logHits(
        List.of(new TriageModel.LogHit("unit", 300, List.of(), "symbol again", List.of())), true);
    assertThat(m.matchSummary())
        .as("the log search stopped at its limit")
        .endsWith("(1 finding, 1+ log line)");
    m.move(1, 10);
    assertThat(m.shownHit()).as("moving the list shows findings again").isEmpty();
    m.clearSearch();
    assertThat(m.hasQuery()).isFalse();
    assertThat(m.matchCount()).isZero();
  }

  @Test
  void shouldShowBytesAndRateWhileReadingAndSayCountsAreProvisional() {
    MutableClock clock = new MutableClock();
    TriageModel m = new TriageModel("big.log", clock);
    m.progress(new ProgressEvent.BuildResolved("b", "big.log", 1, 1));
    assertThat(m.progressLine()).isEqualTo("resolving the build...");
    m.progress(new ProgressEvent.JobStarted("big.log"));
    m.add(f("a", 1, 0.9, "big.log", 10, "error: one"));
    m.add(f("b", 2, 0.5, "big.log", 11, "error: two"));
    clock.advance(Duration.ofSeconds(2));
    m.progress(new ProgressEvent.JobReading("big.log", 64L << 20));
    assertThat(m.progressLine()).isEqualTo("reading logs 0/1, 64.0 MB, 32.0 MB/s");
    assertThat(m.summary()).contains("findings 2 so far").contains("provisional");
    m.progress(new ProgressEvent.JobFinished("big.log", 1000, 80L << 20, 0));
    assertThat(m.progressLine()).isEqualTo("read 1 logs, 80.0 MB; ranking...");
    m.replaceAll(List.of(f("a", 1, 0.9, "big.log", 10, "error: one")));
    m.progress(new ProgressEvent.Completed(1));
    assertThat(m.progressLine()).isEmpty();
    assertThat(m.summary()).isEqualTo("jobs 1 (1 failed)  findings 1 (1 unique; 2 before ranking)");
  }

  static final class MutableClock extends Clock {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
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
