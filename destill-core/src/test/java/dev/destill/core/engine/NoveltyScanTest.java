package dev.destill.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.destill.core.model.Finding;
import dev.destill.core.model.JobInfo;
import dev.destill.core.model.JobState;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class NoveltyScanTest {
  private static final JobInfo JOB = JobInfo.of("build", JobState.FAILED);
  private static final ScoringPolicy.Baseline POLICY = ScoringPolicy.DEFAULT.baseline();

  private static LineTemplates baseline(String log) {
    byte[] b = log.getBytes(StandardCharsets.UTF_8);
    return LineTemplates.builder().accept(b, 0, b.length).build();
  }

  private static NoveltyScan scan(LineTemplates t, String log) {
    NoveltyScan s = new NoveltyScan(JOB, t, ScanOptions.defaults(), POLICY);
    byte[] b = log.getBytes(StandardCharsets.UTF_8);
    s.accept(b, 0, b.length);
    return s;
  }

  private static List<Finding> findings(String log) {
    LogScanner s = new LogScanner(JOB, ScanOptions.defaults());
    byte[] b = log.getBytes(StandardCharsets.UTF_8);
    s.accept(b, 0, b.length);
    return s.finish().findings();
  }

  private static final String PASSING =
      """
      $ npm ci
      added 812 packages in 14s
      npm WARN deprecated inflight@1.0.6: This module is not supported
      error TS2307 is reported by an old plugin and ignored
      $ npm test
      PASS src/cart.test.ts (3.2 s)
      Tests: 48 passed, 48 total
      """;

  @Test
  void shouldCountANewLineAmidKnownOnes() {
    String failing =
        """
        $ npm test
        Tests: 51 passed, 51 total
        PASS src/cart.test.ts (4.9 s)
        Snapshot mismatch in pricing table
        added 815 packages in 9s
        """;
    NoveltyScan.Result r = scan(baseline(PASSING), failing).finish();
    assertThat(r.counts()).isEqualTo(new NoveltyScan.Counts(4, 0, 1));
    // One new line is not a run.
    assertThat(r.runs()).isEmpty();
  }

  @Test
  void shouldMarkFindingsKnownWhenThePassingRunHadThemAndNewOtherwise() {
    String failing =
        """
        $ npm ci
        added 812 packages in 11s
        error TS2307 is reported by an old plugin and ignored
        $ npm test
        error: expected 3 to equal 4 in cart total
        Tests: 1 failed, 47 passed, 48 total
        """;
    NoveltyScan s = scan(baseline(PASSING), failing);
    s.finish();
    List<Finding> marked = s.mark(findings(failing));
    Finding old = marked.stream().filter(f -> f.line() == 3).findFirst().orElseThrow();
    Finding fresh = marked.stream().filter(f -> f.line() == 5).findFirst().orElseThrow();
    assertThat(Novelty.of(old)).isEqualTo(Novelty.KNOWN);
    assertThat(Novelty.of(fresh)).isEqualTo(Novelty.NEW);
  }

  @Test
  void shouldCallAFindingKnownWhenItsNewFirstLineIsAKnownLineWithOneWordMore() {
    String passing = "> Task :compileJava\n> Task :test\nBUILD SUCCESSFUL in 41s\n";
    String failing =
        """
        > Task :compileJava
        > Task :test FAILED
        FAILURE: Build failed with an exception.
        """;
    NoveltyScan s = scan(baseline(passing), failing);
    s.finish();
    List<Finding> marked = s.mark(findings(failing));
    Finding task = marked.stream().filter(f -> f.line() == 2).findFirst().orElseThrow();
    Finding failure = marked.stream().filter(f -> f.line() == 3).findFirst().orElseThrow();
    // "> Task :test FAILED" is a new line, but the baseline had it without its last word.
    assertThat(Novelty.of(task)).isEqualTo(Novelty.KNOWN);
    // Two words more than any baseline line: new.
    assertThat(Novelty.of(failure)).isEqualTo(Novelty.NEW);
  }

  @Test
  void shouldTurnARunOfNewLinesIntoACandidate() {
    String failing =
        """
        $ npm ci
        added 812 packages in 12s
        $ npx prettier --check .
        Checking formatting...
        src/cart.ts
        src/pricing.ts

        Code style issues found in 2 files. Run Prettier with --write to fix.
        $ npm test
        """;
    NoveltyScan.Result r = scan(baseline(PASSING), failing).finish();
    assertThat(r.runs()).hasSize(1);
    Finding run = r.runs().get(0);
    assertThat(run.line()).isEqualTo(3);
    assertThat(run.endLine()).isEqualTo(8);
    assertThat(run.block()).hasSize(6).contains("");
    assertThat(NoveltyScan.isNewLines(run)).isTrue();
    assertThat(Novelty.of(run)).isEqualTo(Novelty.NEW);
  }

  @Test
  void shouldKeepARunOnlyFromTheLinesItOwns() {
    String failing = "new one\nnew two\nnew three\n";
    NoveltyScan s =
        new NoveltyScan(JOB, baseline(PASSING), ScanOptions.forChunk(10, 12, 20), POLICY);
    byte[] b = failing.getBytes(StandardCharsets.UTF_8);
    s.accept(b, 0, b.length);
    NoveltyScan.Result r = s.finish();
    assertThat(r.runs()).isEmpty();
    assertThat(r.counts().fresh()).isEqualTo(1);
  }

  @Test
  void shouldCallEveryLineNewAgainstAnEmptyBaseline() {
    NoveltyScan.Result r = scan(LineTemplates.EMPTY, "a b c\n\nd e f\n").finish();
    assertThat(r.counts()).isEqualTo(new NoveltyScan.Counts(0, 0, 2));
  }

  @Test
  void shouldNeverShowAPrivateKeyInARun() {
    String failing =
        "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\nabcdefghijk\n-----END RSA PRIVATE KEY-----\nnew words here\nmore new words\n";
    NoveltyScan.Result r = scan(baseline(PASSING), failing).finish();
    assertThat(String.join("\n", r.runs().stream().flatMap(f -> f.block().stream()).toList()))
        .doesNotContain("MIIEowIBAAKCAQEA");
  }
}
