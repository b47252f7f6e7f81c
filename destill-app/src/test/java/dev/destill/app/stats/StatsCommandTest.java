package dev.destill.app.stats;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.destill.app.CliRunner;
import dev.destill.app.cli.ExitCodes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code destill stats} over the DuckDB files a local {@code destill analyze} leaves: the job's
 * lines and errors are counted, {@code --no-history} counts nothing, options are checked.
 */
class StatsCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  private Map<String, String> env() {
    Path home = tmp.resolve("home");
    return Map.of("DESTILL_HOME", home.toString());
  }

  private static long sum(JsonNode stats, String field) {
    long n = 0;
    for (JsonNode s : stats.path("sources")) {
      n += s.path(field).asLong();
    }
    return n;
  }

  @Test
  void shouldCountTheLinesOfLocalAnalysesAndShowThem() throws Exception {
    Path log = tmp.resolve("build.log");
    Files.writeString(
        log,
        "$ make test\ncompiling\nlinking\n"
            + "FATAL: database migration 0042_add_index failed: relation \"orders\" is locked\n"
            + "done\n");
    JsonNode empty = JSON.readTree(CliRunner.runWithEnv(env(), "stats", "--format", "json").out());
    assertThat(sum(empty, "lines")).isZero();

    CliRunner.runWithEnv(env(), "analyze", "--no-history", log.toString());
    JsonNode still = JSON.readTree(CliRunner.runWithEnv(env(), "stats", "--format", "json").out());
    assertThat(sum(still, "lines")).as("--no-history counts nothing").isZero();

    CliRunner.runWithEnv(env(), "analyze", log.toString());
    CliRunner.Result json = CliRunner.runWithEnv(env(), "stats", "--format", "json");
    assertThat(json.exitCode()).as(json.err()).isEqualTo(ExitCodes.OK);
    JsonNode stats = JSON.readTree(json.out());
    assertThat(sum(stats, "lines")).isEqualTo(5);
    assertThat(sum(stats, "errors")).isGreaterThanOrEqualTo(1);
    assertThat(stats.path("top_templates").toString()).contains("database migration");
    assertThat(stats.path("new_today").toString()).contains("database migration");

    CliRunner.Result text = CliRunner.runWithEnv(env(), "stats");
    assertThat(text.out())
        .contains("SOURCE")
        .contains("Top templates")
        .contains("database migration")
        .contains("New today");
    String source = stats.path("sources").get(0).path("source").asText();
    JsonNode one =
        JSON.readTree(
            CliRunner.runWithEnv(env(), "stats", "--format", "json", "--source", source).out());
    assertThat(one.path("source").asText()).isEqualTo(source);
    assertThat(sum(one, "lines")).isEqualTo(5);
    assertThat(CliRunner.runWithEnv(env(), "stats", "--source", "nothing-here").out())
        .contains("No lines counted in this window.");
  }

  @Test
  void shouldRefuseWindowsItCannotAnswer() {
    CliRunner.Result hours = CliRunner.runWithEnv(env(), "stats", "--hours", "0");
    assertThat(hours.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(hours.err()).contains("--hours takes 1 to 744");
    CliRunner.Result buckets =
        CliRunner.runWithEnv(env(), "stats", "--hours", "744", "--step", "1");
    assertThat(buckets.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(buckets.err()).contains("take a larger --step").doesNotContain("Exception");
  }
}
