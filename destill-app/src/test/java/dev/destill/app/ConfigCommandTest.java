package dev.destill.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.destill.app.cli.ExitCodes;
import dev.destill.app.config.Setting;
import dev.destill.app.config.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigCommandTest {
  @TempDir Path tmp;

  @Test
  void shouldPrintEverySettingWithItsValueAndSourceAndMaskTokens() {
    CliRunner.Result r =
        CliRunner.runWithEnv(
            Map.of("GITHUB_TOKEN", "ghp_s3cr3t_value", "DESTILL_KAFKA_PARTITIONS", "3"),
            "config",
            "--no-check");

    assertThat(r.exitCode()).isEqualTo(ExitCodes.OK);
    for (Setting<?> s : Settings.ALL) {
      assertThat(r.out()).contains(s.variable());
    }
    assertThat(r.out()).doesNotContain("s3cr3t");
    assertThat(line(r.out(), "GITHUB_TOKEN"))
        .contains("set (16 characters, masked)")
        .endsWith("GITHUB_TOKEN in the environment");
    assertThat(line(r.out(), "DESTILL_KAFKA_PARTITIONS"))
        .contains(" 3 ")
        .endsWith("DESTILL_KAFKA_PARTITIONS in the environment");
    assertThat(line(r.out(), "DESTILL_METRICS_PORT")).contains("8080").endsWith("default");
  }

  @Test
  void shouldCheckTheHistoryAndTokensAndFailOnAnInvalidSetting() throws Exception {
    Path notADir = Files.writeString(tmp.resolve("file"), "x");
    CliRunner.Result r =
        CliRunner.runWithEnv(
            Map.of(
                "DESTILL_HOME", notADir.toString(),
                "DESTILL_METRICS_PORT", "99999",
                "BUILDKITE_API_TOKEN", "bk"),
            "config");

    assertThat(r.exitCode()).isEqualTo(ExitCodes.INPUT);
    assertThat(line(r.out(), "failed   history")).contains("cannot be written");
    assertThat(line(r.out(), "ok       BUILDKITE_API_TOKEN")).endsWith("set");
    assertThat(line(r.out(), "missing  GITLAB_TOKEN")).contains("not set");
    assertThat(line(r.out(), "skipped  Kafka")).contains("not configured");
    assertThat(line(r.out(), "failed   DESTILL_METRICS_PORT"))
        .contains(
            "must be a number from 0 to 65535, was '99999'"
                + " (from DESTILL_METRICS_PORT in the environment)");
  }

  @Test
  void shouldSayTheHistoryIsWritableInAFreshHome() {
    CliRunner.Result r =
        CliRunner.runWithEnv(Map.of("DESTILL_HOME", tmp.resolve("new").toString()), "config");

    assertThat(r.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(line(r.out(), "ok       history")).contains("is writable");
  }

  @Test
  void shouldPrintJsonWithTheDatabasePasswordMasked() throws Exception {
    CliRunner.Result r =
        CliRunner.runWithEnv(
            Map.of("POSTGRES_DSN", "postgres://me:hunter2@127.0.0.1:1/destill"),
            "config",
            "--format",
            "json",
            "--no-check");

    assertThat(r.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(r.out()).doesNotContain("hunter2");
    JsonNode json = new ObjectMapper().readTree(r.out());
    List<String> names = new ArrayList<>();
    JsonNode postgres = null;
    for (JsonNode s : json.get("settings")) {
      names.add(s.get("name").asText());
      if (s.get("name").asText().equals("DESTILL_POSTGRES_URL")) {
        postgres = s;
      }
    }
    assertThat(names)
        .containsExactlyElementsOf(Settings.ALL.stream().map(Setting::variable).toList());
    assertThat(postgres.get("value").asText()).isEqualTo("postgres://me:***@127.0.0.1:1/destill");
    assertThat(postgres.get("source").asText()).isEqualTo("POSTGRES_DSN in the environment");
    assertThat(json.get("checks")).isEmpty();
  }

  @Test
  void shouldNameTheFlagWhenAnAgentGetsAnInvalidPort() {
    CliRunner.Result r =
        CliRunner.runWithEnv(
            Map.of("DESTILL_KAFKA_BROKERS", "127.0.0.1:1"),
            "agent",
            "analyze",
            "--metrics-port",
            "70000");

    assertThat(r.exitCode()).isEqualTo(ExitCodes.INPUT);
    assertThat(r.err())
        .startsWith(
            "destill: DESTILL_METRICS_PORT must be a number from 0 to 65535, was '70000'"
                + " (from the option --metrics-port)");
  }

  private static String line(String out, String start) {
    return out.lines()
        .filter(l -> l.startsWith(start))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no line starting with " + start + " in:\n" + out));
  }
}
