package dev.destill.app.distributed;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.destill.app.CliRunner;
import dev.destill.app.cli.ExitCodes;
import dev.destill.core.pipeline.AgentMetrics;
import dev.destill.provider.FakeCiServer.Reply;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The baseline diff in distributed mode, end to end on real Kafka and PostgreSQL against a fake
 * Buildkite API: {@code submit --baseline} (a passing build's URL, a local file, {@code auto})
 * gives the result {@code analyze --baseline} gives in one process (the same findings in the same
 * order, the same novelty marks, the same baseline summary), an analyze agent started after the
 * baseline was published still uses it, and a baseline log that is gone is one warning.
 */
class DistributedBaselineIT {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String PIPELINE = "/v2/organizations/acme/pipelines/shop";

  // About three chunks, so that the counts of several chunks add up.
  static final FakeBuild FAILED = FakeBuild.generate(61, 1_300_000, 4);
  static final int GREEN = 60;
  static final int GONE = 59;

  static TestCluster cluster;
  static TestCluster.RunningAgent analyze;

  @TempDir static Path dir;

  @BeforeAll
  static void start() {
    cluster = TestCluster.start();
    FAILED.serve(cluster.api);
    servePassing(GREEN, Reply.bytes(passingLog()));
    servePassing(GONE, Reply.status(410));
    // The last green build of the failed build's branch, for auto.
    cluster.api.on(
        PIPELINE + "/builds?state=passed&branch=main&per_page=20",
        Reply.json("[{\"number\":" + GREEN + ",\"state\":\"passed\"}]"));
    cluster.startSink();
    cluster.startIngest();
    analyze = cluster.startAnalyze(AgentMetrics.NONE);
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  /**
   * The failed job's log as it went when the build passed: the same output (other timestamps and
   * counts, as the generator makes them), the first planted error too, the others not.
   */
  static byte[] passingLog() {
    String[] lines = new String(FAILED.log(), StandardCharsets.UTF_8).split("\n");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    List<Long> plantedLater =
        FAILED.planted().stream().skip(1).map(FakeBuild.Planted::line).toList();
    for (int i = 0; i < lines.length - 1; i++) {
      if (!plantedLater.contains((long) i + 1)) {
        out.writeBytes((lines[i] + "\n").getBytes(StandardCharsets.UTF_8));
      }
    }
    out.writeBytes("Process completed with exit code 0.\n".getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }

  /** A passed build {@code number} whose job of the failed job's name has log {@code log}. */
  static void servePassing(int number, Reply log) {
    String build = PIPELINE + "/builds/" + number;
    String job = FakeBuild.failedJobId(number);
    cluster.api.on(
        build,
        Reply.json(
            """
            {"id":"build-%d","web_url":"https://buildkite.com/acme/shop/builds/%d","number":%d,
             "state":"passed","message":"Apply discounts","branch":"main",
             "jobs":[{"id":"%s","type":"script","name":"%s","state":"passed","exit_status":0}],
             "pipeline":{"name":"shop","slug":"shop"}}"""
                .formatted(number, number, number, job, FakeBuild.FAILED_JOB_NAME)));
    cluster.api.on(build + "/jobs/" + job + "/log.txt", log);
    cluster.api.on(build + "/artifacts?per_page=100", Reply.json("[]"));
  }

  static String passingUrl(int number) {
    return "https://buildkite.com/acme/shop/builds/" + number;
  }

  static CliRunner.Result cli(String... args) {
    return CliRunner.runWithEnv(cluster.env(), args);
  }

  static String submit(String... args) {
    List<String> all = new ArrayList<>(List.of("submit"));
    all.addAll(List.of(args));
    CliRunner.Result r = cli(all.toArray(String[]::new));
    assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCodes.OK);
    return r.out().strip();
  }

  /** The JSON report of a distributed request, read back from PostgreSQL once it is complete. */
  static JsonNode distributed(String id) throws Exception {
    CliRunner.Result status = cli("status", id, "--wait", "120", "--json");
    assertThat(status.exitCode()).as(status.out() + status.err()).isEqualTo(ExitCodes.OK);
    CliRunner.Result view = cli("view", id, "--format", "json", "--top", "1000");
    assertThat(view.exitCode()).as(view.err()).isEqualTo(ExitCodes.OK);
    JsonNode report = JSON.readTree(view.out());
    // status says which baseline it was, as the report does.
    assertThat(JSON.readTree(status.out()).get("baseline")).isEqualTo(report.get("baseline"));
    return report;
  }

  /** The JSON report of {@code destill analyze ARGS} in one process, against the same API. */
  static JsonNode local(String... args) throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("BUILDKITE_API_URL", cluster.api.url() + "/v2");
    env.put("BUILDKITE_API_TOKEN", TestCluster.TOKEN);
    List<String> all = new ArrayList<>(List.of("analyze", "--format", "json", "--no-history"));
    all.addAll(List.of("--top", "1000"));
    all.addAll(List.of(args));
    CliRunner.Result r = CliRunner.runWithEnv(env, all.toArray(String[]::new));
    assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCodes.OK);
    return JSON.readTree(r.out());
  }

  /** Each finding as rank order shows it: hash, job, line and novelty. */
  static List<String> ranked(JsonNode report) {
    List<String> out = new ArrayList<>();
    report
        .get("findings")
        .forEach(
            f ->
                out.add(
                    f.get("hash").asText()
                        + "@"
                        + f.get("job").asText()
                        + ":"
                        + f.get("line")
                        + " "
                        + f.get("novelty").asText()));
    return out;
  }

  static void assertSameAsLocal(JsonNode distributed, JsonNode local) {
    assertThat(ranked(distributed)).isEqualTo(ranked(local));
    assertThat(distributed.get("baseline")).isEqualTo(local.get("baseline"));
    assertThat(distributed.get("total_findings")).isEqualTo(local.get("total_findings"));
  }

  static String novelty(JsonNode report, String text) {
    for (JsonNode f : report.get("findings")) {
      if (f.get("message").asText().contains(text)) {
        return f.get("novelty").asText();
      }
    }
    throw new AssertionError("no finding says " + text);
  }

  @Test
  void shouldCompareWithAPassingBuildAsLocalModeDoes() throws Exception {
    String id = submit("--baseline", passingUrl(GREEN), FAILED.url());

    JsonNode d = distributed(id);
    JsonNode l = local("--baseline", passingUrl(GREEN), FAILED.url());

    assertSameAsLocal(d, l);
    JsonNode b = d.get("baseline");
    assertThat(b.get("source").asText()).isEqualTo(passingUrl(GREEN));
    assertThat(b.get("jobs").asInt()).isEqualTo(1);
    assertThat(b.get("lines_known").asLong()).isGreaterThan(10_000);
    assertThat(b.get("lines_new").asLong()).isPositive();
    // The error the passing build showed too is known; the others are new.
    assertThat(novelty(d, FAILED.planted().get(0).text())).isEqualTo("known");
    assertThat(novelty(d, FAILED.planted().get(1).text())).isEqualTo("new");
  }

  @Test
  void shouldCompareWithALocalFileTheSubmitterSends() throws Exception {
    Path file = dir.resolve("ledger-tests.log");
    Files.write(file, passingLog());

    String id = submit("--baseline", file.toString(), FAILED.url());

    JsonNode d = distributed(id);
    assertSameAsLocal(d, local("--baseline", file.toString(), FAILED.url()));
    assertThat(d.get("baseline").get("source").asText()).isEqualTo(file.toString());
    assertThat(novelty(d, FAILED.planted().get(0).text())).isEqualTo("known");
  }

  @Test
  void shouldFindTheLastGreenBuildByDefault() throws Exception {
    String id = submit(FAILED.url());

    JsonNode d = distributed(id);
    assertSameAsLocal(d, local(FAILED.url()));
    assertThat(d.get("baseline").get("source").asText()).isEqualTo(passingUrl(GREEN));
    assertThat(d.get("baseline").get("note").asText()).isEqualTo("last green build on main");
  }

  @Test
  void shouldAnalyzeWithOneWarningWhenTheBaselineLogIsGone() throws Exception {
    String id = submit("--baseline", passingUrl(GONE), FAILED.url());

    JsonNode d = distributed(id);
    JsonNode l = local("--baseline", passingUrl(GONE), FAILED.url());
    assertSameAsLocal(d, l);
    assertThat(d.get("baseline").get("jobs").asInt()).isZero();
    List<String> warnings = new ArrayList<>();
    d.get("warnings").forEach(w -> warnings.add(w.asText()));
    assertThat(warnings)
        .filteredOn(w -> w.contains("analyzed without a baseline"))
        .singleElement()
        .satisfies(w -> assertThat(w).contains(FakeBuild.FAILED_JOB_NAME).contains("410"));
    assertThat(d.get("findings").size()).isPositive();
  }

  @Test
  void shouldGiveTheBaselineToAnAnalyzeAgentStartedAfterItWasPublished() throws Exception {
    analyze.close();
    String id = submit("--baseline", passingUrl(GREEN), FAILED.url());
    // The ingest agent has published the baseline and every chunk before an analyzer runs.
    TestCluster.awaitTrue(
        Duration.ofSeconds(60),
        "request " + id + " to be ingested",
        () -> cluster.store.request(id).map(r -> r.chunksTotal() > 0).orElse(false));
    analyze = cluster.startAnalyze(AgentMetrics.NONE);

    JsonNode d = distributed(id);
    assertSameAsLocal(d, local("--baseline", passingUrl(GREEN), FAILED.url()));
    assertThat(d.get("baseline").get("lines_known").asLong()).isGreaterThan(10_000);
  }

  @Test
  void shouldRefuseABaselineThatIsNeitherAFileNorABuildUrl() {
    CliRunner.Result r =
        cli("submit", "--baseline", dir.resolve("nope.log").toString(), FAILED.url());
    assertThat(r.exitCode()).isEqualTo(ExitCodes.INPUT);
    assertThat(r.err().strip())
        .endsWith("nope.log: no such file or directory")
        .doesNotContain("\n");
  }
}
