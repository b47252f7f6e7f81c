package dev.destill.app.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.destill.core.DestillException;
import dev.destill.core.engine.Novelty;
import dev.destill.core.model.Finding;
import dev.destill.core.model.JobInfo;
import dev.destill.core.model.JobState;
import dev.destill.core.model.ProgressEvent;
import dev.destill.core.provider.BaselineChoice;
import dev.destill.core.provider.InMemoryCiProvider;
import dev.destill.core.provider.InMemoryCiProvider.Job;
import dev.destill.core.provider.PassingBuild;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code --baseline auto} and {@code --baseline URL}: finding the passing build, pairing jobs. */
class BaselineDiscoveryTest {
  private static final String FAILED = "memory:pipeline/builds/9";
  private static final String GREEN = "memory:pipeline/builds/7";

  private static final String PASS_LOG =
      "resolving deps\nERROR: flaky cache miss for key 4821\ntests run: 12, failures: 0\nok\n";
  private static final String FAIL_LOG =
      "resolving deps\nERROR: flaky cache miss for key 9921\n"
          + "[ERROR] /src/B.java:[3,5] cannot find symbol\nBUILD FAILURE\n";

  private InMemoryCiProvider ci;
  private final List<String> warnings = new CopyOnWriteArrayList<>();

  private static Job job(String id, String name, JobState state, String log) {
    return Job.withLog(
        new JobInfo(id, name, state, OptionalInt.of(state == JobState.FAILED ? 1 : 0)),
        log.getBytes(StandardCharsets.UTF_8));
  }

  @BeforeEach
  void builds() {
    ci = new InMemoryCiProvider();
    ci.add(
        FAILED,
        "red",
        List.of(
            job("f1", "test (ubuntu, 21)", JobState.FAILED, FAIL_LOG),
            job("f2", "lint", JobState.PASSED, "lint ok\n")));
    ci.add(
        GREEN,
        "green",
        List.of(
            job("g0", "test (ubuntu, 17)", JobState.PASSED, "ERROR: something else entirely\n"),
            job("g1", "test (21, ubuntu)", JobState.PASSED, PASS_LOG),
            job("g2", "lint", JobState.PASSED, "lint ok\n")));
  }

  private AnalysisReport analyze(BaselineChoice choice) {
    AnalysisService service = new AnalysisService(List.of(ci), Clock.systemUTC());
    return service.analyze(
        new AnalysisRequest(List.of(FAILED), 2, choice),
        new AnalysisListener() {
          @Override
          public void onProgress(ProgressEvent e) {
            if (e instanceof ProgressEvent.Warning w) {
              warnings.add(w.message());
            }
          }
        });
  }

  private static Finding finding(AnalysisReport r, String text) {
    return r.findings().stream()
        .filter(f -> f.message().contains(text))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no finding with " + text));
  }

  @Test
  void shouldCompareWithTheLastGreenBuildAndPairAMatrixJobByItsValues() {
    ci.lastGreen(FAILED, new PassingBuild(GREEN, "main", false));
    AnalysisReport r = analyze(BaselineChoice.AUTO);
    BaselineSummary b = r.baseline().orElseThrow();
    assertThat(b.source()).contains(GREEN);
    assertThat(b.note()).isEqualTo("last green build on main");
    assertThat(b.jobs()).isEqualTo(1);
    assertThat(b.describe()).startsWith("baseline: " + GREEN + " (last green build on main)");
    assertThat(Novelty.of(finding(r, "flaky cache miss"))).isEqualTo(Novelty.KNOWN);
    assertThat(Novelty.of(finding(r, "cannot find symbol"))).isEqualTo(Novelty.NEW);
    // Only the failed job's pair was read, and the failed build was asked for its last green one.
    assertThat(ci.opened()).contains("g1").doesNotContain("g0", "g2");
    assertThat(ci.lastGreenAsked()).containsExactly(FAILED);
    assertThat(warnings).isEmpty();
  }

  @Test
  void shouldSayWhenTheGreenBuildIsFromTheDefaultBranch() {
    ci.lastGreen(FAILED, new PassingBuild(GREEN, "main", true));
    AnalysisReport r = analyze(BaselineChoice.AUTO);
    assertThat(r.baseline().orElseThrow().note())
        .isEqualTo("last green build on the default branch main");
  }

  @Test
  void shouldSaySoWhenThereIsNoGreenBuild() {
    AnalysisReport r = analyze(BaselineChoice.AUTO);
    BaselineSummary b = r.baseline().orElseThrow();
    assertThat(b.found()).isFalse();
    assertThat(b.describe())
        .isEqualTo(
            "baseline: none (no green build of this pipeline on its branch or the default branch)");
    assertThat(Novelty.of(finding(r, "cannot find symbol"))).isEqualTo(Novelty.UNKNOWN);
  }

  @Test
  void shouldWarnOnceAndAnalyzeWhenTheBaselineJobsLogIsGone() {
    ci.lastGreen(FAILED, new PassingBuild(GREEN, "main", false));
    ci.failLog("g1", new DestillException.BadInput("HTTP 410: the log has expired"));
    AnalysisReport r = analyze(BaselineChoice.AUTO);
    assertThat(warnings).hasSize(1);
    assertThat(warnings.get(0))
        .contains("baseline job test (21, ubuntu)")
        .contains("410")
        .contains("test (ubuntu, 21) is analyzed without a baseline");
    assertThat(r.warnings()).hasSize(1);
    assertThat(Novelty.of(finding(r, "cannot find symbol"))).isEqualTo(Novelty.UNKNOWN);
  }

  @Test
  void shouldWarnAndAnalyzeWhenTheLookupFails() {
    ci.failLastGreen(FAILED, new DestillException.Retriable("HTTP 503 from the API"));
    AnalysisReport r = analyze(BaselineChoice.AUTO);
    assertThat(warnings).singleElement().asString().contains("503");
    assertThat(r.baseline().orElseThrow().found()).isFalse();
    assertThat(r.findings()).isNotEmpty();
  }

  @Test
  void shouldUseAGivenBuildAndNotLookForAGreenOne() {
    AnalysisReport r = analyze(new BaselineChoice.Given(GREEN));
    assertThat(r.baseline().orElseThrow().source()).contains(GREEN);
    assertThat(Novelty.of(finding(r, "flaky cache miss"))).isEqualTo(Novelty.KNOWN);
    assertThat(ci.lastGreenAsked()).isEmpty();
  }

  @Test
  void shouldNotLookWithoutABaseline() {
    ci.lastGreen(FAILED, new PassingBuild(GREEN, "main", false));
    AnalysisReport r = analyze(BaselineChoice.NONE);
    assertThat(r.baseline()).isEmpty();
    assertThat(ci.lastGreenAsked()).isEmpty();
    assertThat(ci.opened()).doesNotContain("g1");
  }
}
