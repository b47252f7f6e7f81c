package dev.destill.app.eval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.destill.app.CliRunner;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Ranking quality on a fixed subset of real, labeled, trimmed logs (see
 * src/test/resources/eval/README.md). A change that breaks ranking fails here; the full figures
 * come from {@code destill eval ../shared/eval}.
 */
class EvalRegressionTest {
  private static final Path DIR = Path.of("src", "test", "resources", "eval");

  @Test
  void shouldKeepRankingQualityOnTheFixedSubset() {
    List<Evaluation.CaseResult> results = Evaluation.run(DIR, Evaluation.readCases(DIR), 2);
    EvalCommand.Figures f = EvalCommand.figures(results);
    assertThat(f.cases()).isEqualTo(14);
    assertThat(f.hitAt()[0]).as("hit@1").isGreaterThanOrEqualTo(0.64);
    assertThat(f.hitAt()[2]).as("hit@5").isGreaterThanOrEqualTo(0.85);
    assertThat(f.hitAt()[3]).as("hit@10").isGreaterThanOrEqualTo(0.92);
    assertThat(f.medianLines()).as("median lines to the first hit").isLessThanOrEqualTo(5);
  }

  @Test
  void shouldPrintTheTablePerSource() {
    CliRunner.Result r = CliRunner.run("eval", DIR.toString(), "--source", "cidiff");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).contains("hit@1").contains("cidiff").contains("all");
  }

  @Test
  void shouldPrintTheSameFiguresAsJson() throws Exception {
    CliRunner.Result text = CliRunner.run("eval", DIR.toString(), "--source", "cidiff");
    CliRunner.Result json =
        CliRunner.run("eval", DIR.toString(), "--source", "cidiff", "--format", "json");

    assertThat(json.exitCode()).isZero();
    com.fasterxml.jackson.databind.JsonNode groups =
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.out());
    assertThat(groups).hasSize(2);
    assertThat(groups.get(0).get("source").asText()).isEqualTo("all");
    assertThat(groups.get(1).get("source").asText()).isEqualTo("cidiff");
    String allRow = text.out().lines().filter(l -> l.startsWith("all ")).findFirst().orElseThrow();
    assertThat(allRow)
        .contains(
            String.format(java.util.Locale.ROOT, "%7.3f", groups.get(0).get("hit_at_1").asDouble()))
        .contains(String.valueOf(groups.get(0).get("cases").asInt()));
  }

  @Test
  void shouldFailWithOneLineWithoutCases() {
    CliRunner.Result r = CliRunner.run("eval", "src");
    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.err()).contains("no cases.jsonl");
  }
}
