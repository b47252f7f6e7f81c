package dev.destill.app.distributed;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.destill.app.CliRunner;
import dev.destill.app.cli.ExitCodes;
import dev.destill.core.broker.Broker;
import dev.destill.core.broker.Message;
import dev.destill.core.broker.Subscription;
import dev.destill.core.pipeline.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Distributed mode end to end: the real command line ({@code submit}, {@code status}, {@code view})
 * and the three agents on real Kafka and PostgreSQL, against a fake Buildkite API.
 */
class DistributedIT {
  static final ObjectMapper JSON = new ObjectMapper();
  static final FakeBuild BUILD = FakeBuild.generate(42, 2_500_000, 5);

  static TestCluster cluster;

  @BeforeAll
  static void start() {
    cluster = TestCluster.start();
    BUILD.serve(cluster.api);
    cluster.startSink();
    cluster.startIngest();
    cluster.startAnalyze(dev.destill.core.pipeline.AgentMetrics.NONE);
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  static CliRunner.Result cli(String... args) {
    return CliRunner.runWithEnv(cluster.env(), args);
  }

  static String submit(String url) {
    CliRunner.Result r = cli("submit", url);
    assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCodes.OK);
    String id = r.out().strip();
    assertThat(id).startsWith("req-").doesNotContainAnyWhitespaces();
    return id;
  }

  static JsonNode json(CliRunner.Result r) throws Exception {
    return JSON.readTree(r.out());
  }

  @Test
  void shouldAnalyzeASubmittedBuildThroughTheAgents() throws Exception {
    long started = System.nanoTime();
    String id = submit(BUILD.url());
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));

    CliRunner.Result status = cli("status", id, "--wait", "120", "--json");
    assertThat(status.exitCode()).as(status.out() + status.err()).isEqualTo(ExitCodes.OK);
    JsonNode s = json(status);
    assertThat(s.get("status").asText()).isEqualTo("complete");
    assertThat(s.get("chunks_total").asInt()).isGreaterThan(1);
    assertThat(s.get("chunks_done").asInt()).isEqualTo(s.get("chunks_total").asInt());
    assertThat(s.get("findings").asInt()).isPositive();
    assertThat(s.get("build_id").asText()).isEqualTo(BUILD.buildId());
    assertThat(s.get("error").asText()).isEmpty();

    CliRunner.Result view = cli("view", id, "--format", "json", "--top", "1000");
    assertThat(view.exitCode()).as(view.err()).isEqualTo(ExitCodes.OK);
    JsonNode v = json(view);
    assertThat(v.get("request_id").asText()).isEqualTo(id);
    List<String> jobs = new ArrayList<>();
    v.get("jobs").forEach(j -> jobs.add(j.get("name").asText() + "=" + j.get("state").asText()));
    assertThat(jobs)
        .containsExactlyInAnyOrder(
            FakeBuild.FAILED_JOB_NAME + "=failed", FakeBuild.PASSED_JOB_NAME + "=passed");
    JsonNode findings = v.get("findings");
    // Every planted error is found, at its line, in the failed job.
    Map<Long, String> byLine = new HashMap<>();
    for (JsonNode f : findings) {
      if (f.get("job").asText().equals(FakeBuild.FAILED_JOB_NAME)) {
        byLine.put(f.get("line").asLong(), f.get("message").asText());
      }
    }
    for (FakeBuild.Planted p : BUILD.planted()) {
      assertThat(byLine).as("finding at line " + p.line()).containsKey(p.line());
      assertThat(byLine.get(p.line())).contains(p.text());
    }
    // The top findings are the planted errors and the failed test, nothing else.
    int expectedTop = BUILD.planted().size() + 1;
    List<String> top = new ArrayList<>();
    for (int i = 0; i < expectedTop; i++) {
      top.add(findings.get(i).get("message").asText());
    }
    List<String> plantedOrTest =
        new ArrayList<>(BUILD.planted().stream().map(FakeBuild.Planted::text).toList());
    assertThat(top)
        .allSatisfy(
            m ->
                assertThat(
                        plantedOrTest.stream().anyMatch(m::contains)
                            || m.contains(FakeBuild.FAILED_TEST)
                            || m.contains("expected 100 but was 99"))
                    .as(m)
                    .isTrue());

    // Local mode ranks the same build with the same code: the same findings, in the same order.
    Map<String, String> localEnv = new HashMap<>();
    localEnv.put("BUILDKITE_API_URL", cluster.api.url() + "/v2");
    localEnv.put("BUILDKITE_API_TOKEN", TestCluster.TOKEN);
    CliRunner.Result local =
        CliRunner.runWithEnv(
            localEnv, "analyze", BUILD.url(), "--format", "json", "--no-history", "--top", "1000");
    assertThat(local.exitCode()).as(local.err()).isEqualTo(ExitCodes.OK);
    assertThat(hashesAndLines(json(local).get("findings"))).isEqualTo(hashesAndLines(findings));
    assertThat(json(local).get("total_findings").asInt())
        .isEqualTo(v.get("total_findings").asInt());
  }

  private static List<String> hashesAndLines(JsonNode findings) {
    List<String> out = new ArrayList<>();
    findings.forEach(
        f -> out.add(f.get("hash").asText() + "@" + f.get("job").asText() + ":" + f.get("line")));
    return out;
  }

  @Test
  void shouldFailARequestWhoseBuildTheProviderDoesNotKnow() throws Exception {
    String id = submit("https://buildkite.com/acme/shop/builds/404");

    CliRunner.Result status = cli("status", id, "--wait", "60", "--format", "json");
    assertThat(status.exitCode()).isEqualTo(ExitCodes.INPUT);
    JsonNode s = json(status);
    assertThat(s.get("status").asText()).isEqualTo("failed");
    String error = s.get("error").asText();
    assertThat(error).isNotBlank().contains("404").doesNotContain("\n");
    assertThat(error).doesNotContain(TestCluster.TOKEN);
  }

  @Test
  void shouldSetPoisonMessagesAsideAndKeepWorking() throws Exception {
    String badJson = "poison-json-" + UUID.randomUUID();
    String badVersion = "poison-version-" + UUID.randomUUID();
    try (Broker broker = cluster.services().connectBroker();
        Subscription deadLetters =
            broker.subscribe(Topics.DEAD_LETTER, "it-dead-letters-" + UUID.randomUUID())) {
      broker.publish(Topics.LOGS, badJson, "{not json".getBytes(StandardCharsets.UTF_8));
      broker.publish(
          Topics.LOGS,
          badVersion,
          "{\"schema_version\":99,\"type\":\"log_chunk\",\"request_id\":\"req-x\"}"
              .getBytes(StandardCharsets.UTF_8));
      broker.flush(Duration.ofSeconds(10));

      Map<String, JsonNode> set = new HashMap<>();
      TestCluster.awaitTrue(
          Duration.ofSeconds(60),
          "both poison messages on " + Topics.DEAD_LETTER,
          () -> {
            for (Message m : deadLetters.poll(Duration.ofMillis(200))) {
              if (m.key().equals(badJson) || m.key().equals(badVersion)) {
                set.put(m.key(), read(m.value()));
              }
            }
            return set.size() == 2;
          });
      assertThat(set.get(badJson).get("reason").asText()).contains("not JSON");
      assertThat(set.get(badJson).get("topic").asText()).isEqualTo(Topics.LOGS);
      assertThat(set.get(badVersion).get("reason").asText()).contains("unknown schema_version 99");
    }

    // The agents carry on: a later request completes.
    FakeBuild later = FakeBuild.generate(43, 200_000, 2);
    later.serve(cluster.api);
    String id = submit(later.url());
    CliRunner.Result status = cli("status", id, "--wait", "60", "--format", "json");
    assertThat(status.exitCode()).as(status.out() + status.err()).isEqualTo(ExitCodes.OK);
    assertThat(json(status).get("status").asText()).isEqualTo("complete");
    assertThat(Optional.of(json(status).get("findings").asInt())).get().isNotEqualTo(0);
  }

  private static JsonNode read(byte[] value) {
    try {
      return JSON.readTree(value);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
