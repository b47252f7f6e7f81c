package dev.destill.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.destill.app.cli.ExitCodes;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryCommandTest {
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  @Test
  void shouldRememberAnalysesAndTellWhenAFailureWasSeenBefore() throws Exception {
    String error =
        "FATAL: database migration 0042_add_index failed: relation \"orders\" is locked\n";
    Path first = tmp.resolve("build-1.log");
    Path second = tmp.resolve("build-2.log");
    Files.writeString(first, "setup\n" + error);
    Files.writeString(second, "setup\nmore setup\n" + error);
    JsonNode one =
        JSON.readTree(CliRunner.run("analyze", "--format", "json", first.toString()).out());
    assertThat(one.get("findings").get(0).get("history").get("builds_seen").asInt()).isZero();
    JsonNode two =
        JSON.readTree(CliRunner.run("analyze", "--format", "json", second.toString()).out());
    JsonNode history = two.get("findings").get(0).get("history");
    assertThat(history.get("builds_seen").asInt()).isEqualTo(1);
    assertThat(history.get("builds_known").asInt()).isGreaterThanOrEqualTo(1);

    String requestId = two.get("request_id").asText();
    CliRunner.Result list = CliRunner.run("history", "--limit", "50");
    assertThat(list.out()).contains(requestId).contains(second.toString());
    JsonNode listed = JSON.readTree(CliRunner.run("history", "--format", "json").out());
    assertThat(listed.get(0).get("request_id").asText()).isEqualTo(requestId);

    JsonNode viewed = JSON.readTree(CliRunner.run("view", "--format", "json", requestId).out());
    assertThat(viewed.get("request_id").asText()).isEqualTo(requestId);
    assertThat(viewed.get("findings").get(0).get("message").asText())
        .contains("database migration");
    assertThat(CliRunner.run("view", requestId).out()).contains("seen in 1 of");
  }

  @Test
  void shouldSayWhenARequestIsUnknown() {
    CliRunner.Result r = CliRunner.run("view", "req-does-not-exist");
    assertThat(r.exitCode()).isEqualTo(ExitCodes.INPUT);
    assertThat(r.err()).contains("destill history");
  }

  @Test
  void shouldSkipTheHistoryWhenAsked() throws Exception {
    Path log = tmp.resolve("x.log");
    Files.writeString(log, "error: boom\n");
    // A home of this test's own: what the shared one holds says nothing about this run.
    Path home = tmp.resolve("home");
    java.util.Map<String, String> env = java.util.Map.of("DESTILL_HOME", home.toString());
    JsonNode r =
        JSON.readTree(
            CliRunner.runWithEnv(env, "analyze", "--no-history", "--format", "json", log.toString())
                .out());
    assertThat(r.get("findings").get(0).has("history")).isFalse();
    JsonNode listed = JSON.readTree(CliRunner.runWithEnv(env, "history", "--format", "json").out());
    assertThat(listed).as("nothing written to the history").isEmpty();
    // The same analysis without the flag is written there: the check above can see a write.
    CliRunner.runWithEnv(env, "analyze", "--format", "json", log.toString());
    assertThat(JSON.readTree(CliRunner.runWithEnv(env, "history", "--format", "json").out()))
        .hasSize(1);
  }
}
