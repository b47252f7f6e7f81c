package dev.destill.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
 * {@code destill analyze <run url>} with the default {@code --baseline auto}, end to end against a
 * fake GitHub API: the provider finds the last green run, its matrix job is paired by its values
 * and read, and a paired job whose log is gone is one warning.
 */
class AnalyzeLastGreenUrlTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String REPO = "/repos/acme/shop";
  static final String URL = "https://github.com/acme/shop/actions/runs/777";
  static final String FAILED_LOG =
      "##[group]Run mvn verify\n"
          + "[INFO] Downloading dependencies\n"
          + "[INFO] Tests run: 12, Failures: 0\n"
          + "[ERROR] CartTest.discount:41 expected:<90> but was:<100>\n"
          + "##[error]Process completed with exit code 1.\n";

  final FakeCiServer api = new FakeCiServer();

  @AfterEach
  void stop() {
    api.close();
  }

  record Run(int code, String out, String err) {}

  Run analyze(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl =
        Cli.commandLine(
            Map.of(
                "GITHUB_API_URL",
                api.url(),
                "GITHUB_TOKEN",
                "ghp_secret_token_value_1234567890",
                "DESTILL_HOME",
                CliRunner.HOME.toString()));
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return new Run(cl.execute(args), out.toString(), err.toString());
  }

  static String resource(String name) throws Exception {
    return Files.readString(
        Path.of("..", "destill-providers", "src", "test", "resources", "github", name));
  }

  void runs() throws Exception {
    api.on(REPO + "/actions/runs/777", Reply.json(resource("run-777.json")));
    api.on(
        REPO + "/actions/runs/777/jobs?per_page=100&filter=latest",
        Reply.json(resource("jobs-777.json")));
    api.on(
        REPO + "/actions/workflows/4321/runs?branch=feature%2Fcart&status=success&per_page=20",
        Reply.json(resource("runs-feature.json")));
    api.on(
        REPO + "/actions/runs/770",
        Reply.json(
            """
        {"id":770,"name":"CI","head_branch":"feature/cart","run_number":11,"status":"completed",
         "conclusion":"success","workflow_id":4321}"""));
    api.on(
        REPO + "/actions/runs/770/jobs?per_page=100&filter=latest",
        Reply.json(resource("jobs-770.json")));
    api.on(REPO + "/actions/jobs/7771/logs", Reply.text(FAILED_LOG));
    api.on(REPO + "/actions/jobs/7772/logs", Reply.text("[INFO] Tests run: 12, Failures: 0\n"));
    api.on(REPO + "/actions/jobs/7773/logs", Reply.text("lint ok\n"));
    api.on(REPO + "/actions/runs/777/artifacts?per_page=100", Reply.json("{\"artifacts\":[]}"));
    api.on(REPO + "/actions/runs/770/artifacts?per_page=100", Reply.json("{\"artifacts\":[]}"));
  }

  @Test
  void shouldCompareWithTheLastGreenRunOfTheBranch() throws Exception {
    runs();
    api.on(
        REPO + "/actions/jobs/7701/logs",
        Reply.text("##[group]Run mvn verify\n[INFO] Downloading dependencies\n"));
    api.on(REPO + "/actions/jobs/7702/logs", Reply.text("[INFO] Tests run: 12, Failures: 0\n"));
    api.on(REPO + "/actions/jobs/7703/logs", Reply.text("lint ok\n"));

    Run r = analyze("analyze", "--format", "json", URL);

    assertThat(r.code()).as(r.err()).isZero();
    JsonNode b = JSON.readTree(r.out()).get("baseline");
    assertThat(b.get("source").asText()).contains("/actions/runs/770");
    assertThat(b.get("found").asBoolean()).isTrue();
    assertThat(b.get("note").asText()).isEqualTo("last green build on feature/cart");
    assertThat(b.get("lines_known").asInt()).isPositive();
    assertThat(api.seen())
        .extracting(FakeCiServer.Seen::pathAndQuery)
        .contains(REPO + "/actions/jobs/7701/logs");
    assertThat(r.out() + r.err()).doesNotContain("ghp_secret_token_value_1234567890");
  }

  @Test
  void shouldAnalyzeWithOneWarningWhenTheBaselineLogIsGone() throws Exception {
    runs();
    api.on(REPO + "/actions/jobs/7701/logs", Reply.status(410));
    api.on(REPO + "/actions/jobs/7702/logs", Reply.text("[INFO] Tests run: 12, Failures: 0\n"));
    api.on(REPO + "/actions/jobs/7703/logs", Reply.text("lint ok\n"));

    Run r = analyze("analyze", "--format", "json", URL);

    assertThat(r.code()).as(r.err()).isZero();
    JsonNode root = JSON.readTree(r.out());
    assertThat(root.get("findings").get(0).get("message").asText()).contains("CartTest");
    assertThat(r.err().lines().filter(l -> l.contains("is gone")))
        .singleElement()
        .satisfies(
            l ->
                assertThat(l)
                    .contains("test (17, ubuntu-latest)")
                    .contains("410")
                    .contains("test (ubuntu-latest, 17) is analyzed without a baseline"));
  }
}
