package dev.destill.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.destill.app.cli.ExitCodes;
import dev.destill.provider.FakeCiServer;
import dev.destill.provider.FakeCiServer.Reply;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code destill analyze <url>} end to end against a local server, through the base-URL variables.
 */
class AnalyzeUrlTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String BUILD = "/v2/organizations/acme/pipelines/shop/builds/42";
  static final String FAILED = "0190a1b2-0000-4000-8000-000000000001";
  static final String PASSED = "0190a1b2-0000-4000-8000-000000000003";

  final FakeCiServer api = new FakeCiServer();
  final FakeCiServer storage = new FakeCiServer();

  @AfterEach
  void stop() {
    api.close();
    storage.close();
  }

  record Run(int code, String out, String err) {}

  Run analyze(Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = Cli.commandLine(env);
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return new Run(cl.execute(args), out.toString(), err.toString());
  }

  Map<String, String> env() {
    return Map.of(
        "BUILDKITE_API_URL",
        api.url() + "/v2",
        "BUILDKITE_API_TOKEN",
        "bkua_secret_token_value_1234567890",
        "DESTILL_HOME",
        CliRunner.HOME.toString());
  }

  void build() throws Exception {
    String build =
        Files.readString(
            Path.of(
                "..", "destill-providers", "src", "test", "resources", "buildkite", "build.json"));
    api.on(BUILD, Reply.json(build));
    String failedLog = Files.readString(Path.of("..", "examples", "buildkite-go-panic.log"));
    api.on(BUILD + "/jobs/" + FAILED + "/log.txt", Reply.redirect(storage.url() + "/logs/failed"));
    storage.on(
        "/logs/failed",
        Reply.text("ERROR: cache server unreachable, continuing without cache\n" + failedLog));
    api.on(
        BUILD + "/jobs/" + PASSED + "/log.txt",
        Reply.text("ERROR: cache server unreachable, continuing without cache\nlint ok\n"));
    api.on(BUILD + "/artifacts?per_page=100", Reply.json("[]"));
  }

  @Test
  void shouldAnalyzeABuildkiteBuildFromItsUrl() throws Exception {
    build();
    Run r =
        analyze(env(), "analyze", "--format", "json", "https://buildkite.com/acme/shop/builds/42");
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode root = JSON.readTree(r.out());
    assertThat(root.get("build_id").asText()).isEqualTo("buildkite:acme/shop/42");
    assertThat(root.get("jobs")).hasSize(4);
    JsonNode first = root.get("findings").get(0);
    assertThat(first.get("job").asText()).isEqualTo(":go: unit tests");
    assertThat(first.get("message").asText()).containsAnyOf("TestPostTransfer", "nil pointer");
    // The cache warning shows in the passing lint job too: it is noise, not the cause.
    for (JsonNode f : root.get("findings")) {
      if (f.get("message").asText().contains("cache server")) {
        assertThat(f.get("tier").asInt()).isEqualTo(3);
      }
    }
    assertThat(r.out() + r.err()).doesNotContain("bkua_secret_token_value_1234567890");
    assertThat(storage.seen()).allSatisfy(s -> assertThat(s.hadAuthorization()).isFalse());
  }

  @Test
  void shouldShowWhatWasReadOfATruncatedLog() throws Exception {
    build();
    String log =
        "step\n".repeat(200) + "FATAL: ledger migration 12 failed\n" + "more output\n".repeat(2000);
    storage.on("/logs/failed", Reply.text(log).truncatedAfter(log.indexOf("more output") + 40));
    Run r =
        analyze(env(), "analyze", "--format", "json", "https://buildkite.com/acme/shop/builds/42");
    assertThat(r.code()).isZero();
    assertThat(r.err()).contains("ended early");
    assertThat(JSON.readTree(r.out()).get("warnings").toString()).contains("ended early");
    assertThat(JSON.readTree(r.out()).get("findings").get(0).get("message").asText())
        .contains("ledger migration");
  }

  @Test
  void shouldFailWithOneLineOnABadToken() {
    api.on(BUILD, Reply.status(401));
    Run r = analyze(env(), "analyze", "https://buildkite.com/acme/shop/builds/42");
    assertThat(r.code()).isEqualTo(ExitCodes.INPUT);
    assertThat(r.err().strip().lines()).hasSize(1);
    assertThat(r.err()).contains("BUILDKITE_API_TOKEN").doesNotContain("bkua_secret");
  }

  @Test
  void shouldAskForATokenBeforeAnyRequest() {
    Run r =
        analyze(
            Map.of(
                "BUILDKITE_API_URL", api.url() + "/v2", "DESTILL_HOME", CliRunner.HOME.toString()),
            "analyze",
            "https://buildkite.com/acme/shop/builds/42");
    assertThat(r.code()).isEqualTo(ExitCodes.INPUT);
    assertThat(r.err()).contains("set BUILDKITE_API_TOKEN");
    assertThat(api.requestCount()).isZero();
  }

  @Test
  void shouldRejectUnknownUrls() {
    Run r = analyze(env(), "analyze", "https://ci.example.com/job/7");
    assertThat(r.code()).isEqualTo(ExitCodes.INPUT);
    assertThat(r.err()).contains("don't know how to read");
  }
}
