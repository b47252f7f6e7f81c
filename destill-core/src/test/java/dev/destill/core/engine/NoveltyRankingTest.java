package dev.destill.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.destill.core.model.Finding;
import dev.destill.core.model.JobInfo;
import dev.destill.core.model.JobState;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NoveltyRankingTest {
  private static final JobInfo JOB = JobInfo.of("build", JobState.FAILED);

  private static List<Finding> analyzed(String baseline, String failing) {
    byte[] p = baseline.getBytes(StandardCharsets.UTF_8);
    LineTemplates t = LineTemplates.builder().accept(p, 0, p.length).build();
    byte[] b = failing.getBytes(StandardCharsets.UTF_8);
    LogScanner scanner = new LogScanner(JOB, ScanOptions.defaults());
    scanner.accept(b, 0, b.length);
    JobScan scan = scanner.finish();
    NoveltyScan novelty =
        new NoveltyScan(JOB, t, ScanOptions.defaults(), ScoringPolicy.DEFAULT.baseline());
    novelty.accept(b, 0, b.length);
    NoveltyScan.Result r = novelty.finish();
    List<Finding> all = new ArrayList<>(novelty.mark(scan.findings()));
    Triage.endOfLog(scan).map(f -> novelty.mark(List.of(f)).get(0)).ifPresent(all::add);
    all.addAll(r.runs());
    return Triage.rank(NoveltyRanking.adjust(all), Map.of("build", JobState.FAILED));
  }

  @Test
  void shouldRankAKnownErrorBelowTheNewOne() {
    String passing = "ERROR: flaky mirror unreachable, retrying\nok\n";
    String failing =
        "ERROR: flaky mirror unreachable, retrying\nok\nERROR: test cart failed\nexit code 1\n";
    List<Finding> ranked = analyzed(passing, failing);
    assertThat(ranked.get(0).line()).isEqualTo(3);
    Finding known =
        ranked.stream()
            .filter(f -> f.line() == 1 && Role.of(f) == Role.CAUSE)
            .findFirst()
            .orElseThrow();
    assertThat(Novelty.of(known)).isEqualTo(Novelty.KNOWN);
    assertThat(known.tier()).isGreaterThan(1);
  }

  @Test
  void shouldOfferNewLinesBeforeTheFailureWhenNoRuleSeesThem() {
    String passing = "$ make lint\nAll files formatted.\n$ make test\nok\n";
    String failing =
        "$ make lint\n--- a/src/cart.py\n+++ b/src/cart.py\n-x=1\n+x = 1\nmake: *** [lint] Error 1\n";
    List<Finding> ranked = analyzed(passing, failing);
    Finding run = ranked.stream().filter(NoveltyScan::isNewLines).findFirst().orElseThrow();
    assertThat(run.line()).isEqualTo(2);
    assertThat(ranked.indexOf(run)).isLessThan(3);
  }

  @Test
  void shouldLeaveFindingsWithoutANoveltyMarkAlone() {
    String failing = "ERROR: test cart failed\nexit code 1\n";
    LogScanner scanner = new LogScanner(JOB, ScanOptions.defaults());
    byte[] b = failing.getBytes(StandardCharsets.UTF_8);
    scanner.accept(b, 0, b.length);
    List<Finding> findings = scanner.finish().findings();
    assertThat(NoveltyRanking.adjust(findings)).isEqualTo(findings);
  }

  @Test
  void shouldSendOnlyTheRunsAFailureCanBeAnchoredAfter() {
    // Runs of new lines every few lines, a failure in the middle: a chunk that keeps only the
    // runs it can reach ranks as one that keeps them all.
    StringBuilder passing = new StringBuilder();
    StringBuilder failing = new StringBuilder();
    for (int i = 0; i < 400; i++) {
      passing.append("step ").append(i).append(" done\n");
      failing.append("step ").append(i).append(" done\n");
      if (i % 20 == 0) {
        failing.append("checker says alpha").append(i).append("x\n");
        failing.append("checker says beta").append(i).append("y\n");
      }
      if (i == 200) {
        failing.append("ERROR: test cart failed\nexit code 1\n");
      }
    }
    byte[] p = passing.toString().getBytes(StandardCharsets.UTF_8);
    LineTemplates t = LineTemplates.builder().accept(p, 0, p.length).build();
    byte[] b = failing.toString().getBytes(StandardCharsets.UTF_8);
    LogScanner scanner = new LogScanner(JOB, ScanOptions.defaults());
    scanner.accept(b, 0, b.length);
    NoveltyScan novelty =
        new NoveltyScan(JOB, t, ScanOptions.defaults(), ScoringPolicy.DEFAULT.baseline());
    novelty.accept(b, 0, b.length);
    List<Finding> findings = novelty.mark(scanner.finish().findings());
    List<Finding> runs = novelty.finish().runs();
    long last = failing.chars().filter(c -> c == '\n').count();
    List<Finding> reachable = NoveltyRanking.reachable(runs, findings, last, ScoringPolicy.DEFAULT);
    assertThat(runs).hasSizeGreaterThan(10);
    assertThat(reachable).hasSizeLessThan(runs.size()).isNotEmpty();
    List<Finding> all = new ArrayList<>(findings);
    all.addAll(runs);
    List<Finding> some = new ArrayList<>(findings);
    some.addAll(reachable);
    assertThat(NoveltyRanking.adjust(some)).isEqualTo(NoveltyRanking.adjust(all));
    assertThat(NoveltyRanking.adjust(all).stream().filter(NoveltyScan::isNewLines)).isNotEmpty();
    // A run near the chunk's end may be anchored in the next chunk: it is sent.
    Finding lastRun = runs.get(runs.size() - 1);
    assertThat(
            NoveltyRanking.reachable(
                List.of(lastRun), List.of(), lastRun.endLine() + 10, ScoringPolicy.DEFAULT))
        .containsExactly(lastRun);
    assertThat(
            NoveltyRanking.reachable(
                List.of(lastRun), List.of(), lastRun.endLine() + 1000, ScoringPolicy.DEFAULT))
        .isEmpty();
  }
}
