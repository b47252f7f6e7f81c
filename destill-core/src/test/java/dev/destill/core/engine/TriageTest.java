package dev.destill.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.destill.core.model.Finding;
import dev.destill.core.model.JobInfo;
import dev.destill.core.model.JobState;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class TriageTest {

  private static JobScan scan(String name, JobState state, String log) {
    LogScanner s = new LogScanner(JobInfo.of(name, state), ScanOptions.defaults());
    byte[] b = log.getBytes(StandardCharsets.UTF_8);
    s.accept(b, 0, b.length);
    return s.finish();
  }

  @Test
  void shouldRankTheCauseAboveItsConsequences() {
    JobScan job =
        scan(
            "build",
            JobState.FAILED,
            "compiling\nsrc/a.c:3:1: error: unknown type name 'foo'\nmake: *** [all] Error 1\n##[error]Process completed with exit code 2.\n");
    List<Finding> ranked = Triage.rank(List.of(job), List.of());
    assertThat(ranked.get(0).line()).isEqualTo(2);
    assertThat(ranked.get(0).tier()).isEqualTo(1);
    assertThat(ranked.subList(1, ranked.size()))
        .allSatisfy(f -> assertThat(f.tier()).isGreaterThan(1));
  }

  @Test
  void shouldDemoteErrorsThatAlsoAppearInAPassingJob() {
    String noise = "ERROR: could not load optional plugin foo\n";
    JobScan failed = scan("unit", JobState.FAILED, noise + "FATAL: database migration 12 failed\n");
    JobScan passed = scan("lint", JobState.PASSED, noise);
    List<Finding> ranked = Triage.rank(List.of(failed, passed), List.of());
    assertThat(ranked.get(0).message()).contains("migration");
    Finding demoted =
        ranked.stream()
            .filter(f -> f.message().contains("plugin") && f.job().equals("unit"))
            .findFirst()
            .orElseThrow();
    assertThat(demoted.tier()).isEqualTo(3);
    assertThat(demoted.signals()).contains("also-in-passing-job");
  }

  @Test
  void shouldPointAtTheOutputBeforeTheExitWhenNoLineSaysError() {
    JobScan job =
        scan(
            "deploy",
            JobState.FAILED,
            "$ ./deploy.sh\nuploading bundle\nremote said: quota reached for project\n\nThe command \"./deploy.sh\" exited with 1.\n");
    List<Finding> ranked = Triage.rank(List.of(job), List.of());
    assertThat(ranked.get(0).signals()).contains("output-before-exit");
    assertThat(ranked.get(0).line()).isEqualTo(1);
    assertThat(ranked.get(0).endLine()).isEqualTo(5);
  }

  @Test
  void shouldFallBackToTheEndOfTheLog() {
    JobScan job = scan("x", JobState.FAILED, "a\nwarning: slow disk\nc\n");
    List<Finding> ranked = Triage.rank(List.of(job), List.of());
    assertThat(ranked.get(0).signals()).contains("end-of-log");
  }

  @Test
  void shouldFindNoFailureInACleanLog() {
    // Not one candidate line and no exit summary: no failure found, not an end-of-log "error".
    JobScan job = scan("x", JobState.FAILED, "a\nb\nc\n");
    assertThat(Triage.rank(List.of(job), List.of())).isEmpty();
  }

  @Test
  void shouldFoldTheSameFailureAcrossJobsWithARecurrenceCount() {
    String log = "FATAL: out of disk space on /dev/sda1\n";
    List<Finding> ranked =
        Triage.rank(
            List.of(scan("a", JobState.FAILED, log), scan("b", JobState.FAILED, log)), List.of());
    assertThat(ranked).hasSize(1);
    assertThat(ranked.get(0).recurrence()).isEqualTo(2);
  }

  @Test
  void shouldOrderByTierThenConfidence() {
    JobScan job = scan("j", JobState.FAILED, "error: a\nwarning: b\nFATAL: c\nsomething failed\n");
    List<Finding> ranked = Triage.rank(List.of(job), List.of());
    // The warning came second in the log; ranking moves it last, behind the lower tiers.
    assertThat(ranked)
        .extracting(Finding::message)
        .containsExactly("error: a", "FATAL: c", "something failed", "warning: b");
    assertThat(ranked).extracting(Finding::tier).containsExactly(1, 1, 2, 3);
    assertThat(ranked.get(1).confidence()).isGreaterThan(ranked.get(2).confidence());
  }

  @Test
  void shouldRankAFailedGoSubtestAboveItsParent() {
    JobScan job =
        scan(
            "test",
            JobState.FAILED,
            "=== RUN   TestAlpha\n--- FAIL: TestAlpha (0.02s)\n    --- PASS: TestAlpha/ok (0.00s)\n"
                + "    --- FAIL: TestAlpha/meetups (0.00s)\n        repo_test.go:131: expected 'a' but"
                + " actual is 'b'\nFAIL\texample.com/x\t0.1s\n"
                + "##[error]Process completed with exit code 1.\n");
    List<Finding> ranked = Triage.rank(List.of(job), List.of());
    assertThat(ranked.get(0).message()).contains("TestAlpha/meetups");
    Finding parent =
        ranked.stream()
            .filter(f -> f.message().startsWith("--- FAIL: TestAlpha "))
            .findFirst()
            .orElseThrow();
    assertThat(parent.signals()).contains("detail-elsewhere");
  }

  @Test
  void shouldNotLowerAGoTestWithoutAFailedSubtest() {
    JobScan job =
        scan(
            "test",
            JobState.FAILED,
            "--- FAIL: TestAlpha (0.02s)\n    a_test.go:3: boom\n--- FAIL: TestAlphabet (0.01s)\n"
                + "    a_test.go:9: bang\n##[error]Process completed with exit code 1.\n");
    List<Finding> ranked = Triage.rank(List.of(job), List.of());
    assertThat(ranked)
        .filteredOn(f -> f.signals().contains("go-test-fail"))
        .hasSize(2)
        .allSatisfy(f -> assertThat(f.signals()).doesNotContain("detail-elsewhere"));
  }

  @Test
  void shouldRankACargoTestsCapturedOutputAboveItsFailedLine() {
    JobScan job =
        scan(
            "test",
            JobState.FAILED,
            "running 2 tests\ntest parses ... ok\ntest renders ... FAILED\n\nfailures:\n\n"
                + "---- renders stdout ----\nthread 'renders' panicked at 'grid mismatch',"
                + " src/lib.rs:3:5\n\nfailures:\n    renders\n\n"
                + "test result: FAILED. 1 passed; 1 failed; 0 ignored\n"
                + "##[error]Process completed with exit code 101.\n");
    List<Finding> ranked = Triage.rank(List.of(job), List.of());
    assertThat(ranked.get(0).message()).isEqualTo("---- renders stdout ----");
    assertThat(ranked.get(1).message()).isEqualTo("test renders ... FAILED");
  }
}
