package dev.destill.app.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.destill.app.analysis.AnalysisReport;
import dev.destill.app.analysis.JobSummary;
import dev.destill.core.model.Finding;
import dev.destill.core.model.FindingSource;
import dev.destill.core.model.JobState;
import dev.destill.core.model.Severity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class ManifestTest {

  static Finding finding(int i, int tier) {
    String long1 = "error: something broke in module " + i + " " + "x".repeat(300);
    return new Finding(
        "f" + i,
        "h" + i,
        Severity.ERROR,
        0.9 - i * 0.001,
        tier,
        "job",
        "step",
        10 * i + 1,
        10 * i + 3,
        long1,
        "n",
        List.of(long1, "  detail \u001b[31mred\u001b[0m", "token=supersecretvalue"),
        List.of("a", "b", "c", "d"),
        List.of("e", "f", "g", "h"),
        1,
        FindingSource.LOG,
        Optional.empty(),
        List.of("rule"),
        Optional.empty());
  }

  static AnalysisReport report(int n) {
    List<Finding> list = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      list.add(finding(i, i < n / 2 ? 1 : 2));
    }
    return new AnalysisReport(
        "req-1",
        "x.log",
        "local:x.log",
        "x.log",
        List.of(new JobSummary("job", JobState.FAILED, OptionalInt.empty(), 1000, 50000)),
        list,
        List.of(),
        Instant.EPOCH,
        new dev.destill.core.store.StoreBatch(List.of(), List.of()));
  }

  @Test
  void shouldStayWithinTheBudgetAndSayWhatWasLeftOut() throws Exception {
    String body = Manifest.build(report(200), 5, 1000);
    assertThat(Manifest.tokens(body)).isLessThanOrEqualTo(1000);
    JsonNode m = new ObjectMapper().readTree(body);
    assertThat(m.get("findings_total").asInt()).isEqualTo(200);
    assertThat(m.get("omitted").get("findings").asInt()).isGreaterThan(0);
    assertThat(m.get("omitted").get("how_to_get_them").asText()).contains("get_finding_details");
  }

  @Test
  void shouldShowTopFailuresInFullAndOthersInOneLine() throws Exception {
    JsonNode m = new ObjectMapper().readTree(Manifest.build(report(6), 2, 4000));
    assertThat(m.get("top_failures")).hasSize(2);
    assertThat(m.get("top_failures").get(0).get("excerpt").size()).isGreaterThan(3);
    assertThat(m.get("other_findings").get(0).has("excerpt")).isFalse();
  }

  @Test
  void shouldMaskSecretsAndAnsi() {
    String body = Manifest.build(report(2), 2, 4000);
    assertThat(body).doesNotContain("supersecretvalue").doesNotContain("\u001b").contains("[... ");
  }

  @Test
  void shouldShowTheBestCandidatesInFullWhenNothingIsTierOne() throws Exception {
    List<Finding> list = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      list.add(finding(i, 2));
    }
    JsonNode m = new ObjectMapper().readTree(Manifest.build(report(1).withFindings(list), 2, 4000));
    assertThat(m.get("top_failures")).hasSize(2);
    assertThat(m.get("top_failures").get(0).get("excerpt").size()).isGreaterThan(3);
    assertThat(m.get("note").asText()).contains("best candidates");
  }

  @Test
  void shouldNameJobsOnceAndShortly() throws Exception {
    // One job: findings do not repeat it.
    JsonNode one = new ObjectMapper().readTree(Manifest.build(report(3), 2, 4000));
    assertThat(one.get("top_failures").get(0).has("job")).isFalse();
    assertThat(one.get("build").get("jobs").get(0).get("name").asText()).isEqualTo("job");
    // Several jobs with long paths: findings use each job's distinctive file name.
    List<Finding> list = new ArrayList<>();
    list.add(withJob(finding(0, 1), "/home/ci/builds/workspace/shop/logs/unit.log"));
    list.add(withJob(finding(1, 1), "/home/ci/builds/workspace/shop/logs/lint.log"));
    AnalysisReport two =
        new AnalysisReport(
            "req-2",
            "logs",
            "local:logs",
            "logs",
            List.of(
                new JobSummary(
                    "/home/ci/builds/workspace/shop/logs/unit.log",
                    JobState.FAILED,
                    OptionalInt.empty(),
                    10,
                    100),
                new JobSummary(
                    "/home/ci/builds/workspace/shop/logs/lint.log",
                    JobState.FAILED,
                    OptionalInt.empty(),
                    10,
                    100)),
            list,
            List.of(),
            Instant.EPOCH,
            new dev.destill.core.store.StoreBatch(List.of(), List.of()));
    String body = Manifest.build(two, 2, 4000);
    JsonNode m = new ObjectMapper().readTree(body);
    assertThat(m.get("top_failures").get(0).get("job").asText()).isEqualTo("unit.log");
    assertThat(m.get("build").get("jobs").get(0).get("short_name").asText()).isEqualTo("unit.log");
    // The full path appears once, in the job list.
    assertThat(body.split("/home/ci/builds/workspace/shop/logs/unit.log", -1)).hasSize(2);
  }

  static Finding withJob(Finding f, String job) {
    return new Finding(
        f.id(),
        f.hash(),
        f.severity(),
        f.confidence(),
        f.tier(),
        job,
        f.step(),
        f.line(),
        f.endLine(),
        f.message(),
        f.normalized(),
        f.block(),
        f.preContext(),
        f.postContext(),
        f.recurrence(),
        f.source(),
        f.test(),
        f.signals(),
        f.history());
  }
}
