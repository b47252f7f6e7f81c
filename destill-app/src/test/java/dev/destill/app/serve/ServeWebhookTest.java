package dev.destill.app.serve;

import static dev.destill.app.serve.ServeFixture.bytes;
import static dev.destill.app.serve.ServeFixture.json;
import static dev.destill.app.serve.ServeFixture.sample;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.destill.app.distributed.FakeBuild;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each provider's webhook against one-process {@code destill serve}, from the recorded samples: a
 * signed failure starts an analysis of the build on the fake CI API that completes; unsigned,
 * wrongly signed and stale deliveries get 401 and start nothing; a redelivery is analyzed once;
 * other events are acknowledged and ignored.
 */
class ServeWebhookTest {
  private static final Duration DONE = Duration.ofSeconds(60);

  @TempDir Path home;
  ServeFixture f;

  @BeforeEach
  void start() {
    f = ServeFixture.start(home, Map.of());
  }

  @AfterEach
  void stop() {
    f.close();
  }

  private List<JsonNode> analyses() {
    HttpResponse<String> r = f.get("/api/v1/analyses?limit=100", Map.of());
    assertThat(r.statusCode()).isEqualTo(200);
    List<JsonNode> all = new java.util.ArrayList<>();
    json(r).path("analyses").forEach(all::add);
    return all;
  }

  private static String findingsText(JsonNode doc) {
    return doc.path("findings").toString();
  }

  // --- GitHub -------------------------------------------------------------------------------

  @Test
  void shouldAnalyzeASignedFailedGitHubJobUntilComplete() {
    f.serveGitHubRun();
    byte[] body = bytes(sample("github-workflow_job-completed-failure.json"));

    HttpResponse<String> r =
        f.post("/webhooks/github", ServeFixture.githubHeaders("workflow_job", "d-1", body), body);

    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    String id = json(r).path("request_id").asText();
    assertThat(r.headers().firstValue("Location")).hasValue("/api/v1/analyses/" + id);
    JsonNode doc = f.awaitFinal(id, DONE);
    assertThat(doc.path("status").asText()).as(doc.toString()).isEqualTo("complete");
    assertThat(doc.path("input").asText())
        .isEqualTo(
            "https://github.com/Codertocat/Hello-World/actions/runs/2202229078/job/289782451");
    assertThat(findingsText(doc)).contains("Cannot find name 'undefinedThing'");
    assertThat(analyses())
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.path("provider").asText()).isEqualTo("github");
              assertThat(a.path("pipeline").asText()).isEqualTo("Codertocat/Hello-World");
              assertThat(a.path("branch").asText()).isEqualTo("main");
            });
  }

  @Test
  void shouldRefuseGitHubDeliveriesWithoutOrWithAWrongSignature() {
    f.serveGitHubRun();
    byte[] body = bytes(sample("github-workflow_job-completed-failure.json"));
    Map<String, String> unsigned =
        new HashMap<>(ServeFixture.githubHeaders("workflow_job", "d-2", body));
    unsigned.remove("X-Hub-Signature-256");
    Map<String, String> wrong = new HashMap<>(unsigned);
    wrong.put("X-Hub-Signature-256", "sha256=" + ServeFixture.hmacHex("not-the-secret", body));

    HttpResponse<String> none = f.post("/webhooks/github", unsigned, body);
    HttpResponse<String> bad = f.post("/webhooks/github", wrong, body);

    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(bad.statusCode()).isEqualTo(401);
    assertThat(json(bad).path("error").asText()).doesNotContain(ServeFixture.GITHUB_SECRET);
    assertThat(analyses()).isEmpty();
    assertThat(f.ci().requestCount()).as("nothing was fetched").isZero();
  }

  @Test
  void shouldAnalyzeARedeliveredGitHubEventOnce() {
    f.serveGitHubRun();
    byte[] body = bytes(sample("github-workflow_job-completed-failure.json"));
    Map<String, String> headers = ServeFixture.githubHeaders("workflow_job", "d-3", body);

    HttpResponse<String> first = f.post("/webhooks/github", headers, body);
    HttpResponse<String> again = f.post("/webhooks/github", headers, body);

    assertThat(first.statusCode()).isEqualTo(202);
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(json(again).path("outcome").asText()).isEqualTo("duplicate");
    f.awaitFinal(json(first).path("request_id").asText(), DONE);
    assertThat(analyses()).hasSize(1);
  }

  @Test
  void shouldIgnoreGitHubEventsThatAreNotFailures() {
    byte[] success = bytes(sample("github-workflow_run-completed-success.json"));
    byte[] ping = "{\"zen\":\"Keep it logically awesome.\",\"hook_id\":1}".getBytes();
    ObjectNode inProgress = sample("github-workflow_job-completed-failure.json");
    inProgress.put("action", "in_progress");
    byte[] progress = bytes(inProgress);

    HttpResponse<String> run =
        f.post(
            "/webhooks/github",
            ServeFixture.githubHeaders("workflow_run", "d-4", success),
            success);
    HttpResponse<String> pong =
        f.post("/webhooks/github", ServeFixture.githubHeaders("ping", "d-5", ping), ping);
    HttpResponse<String> job =
        f.post(
            "/webhooks/github",
            ServeFixture.githubHeaders("workflow_job", "d-6", progress),
            progress);
    HttpResponse<String> other =
        f.post("/webhooks/github", ServeFixture.githubHeaders("push", "d-7", ping), ping);

    assertThat(List.of(run, pong, job, other))
        .allSatisfy(r -> assertThat(r.statusCode()).isEqualTo(200));
    assertThat(json(pong).path("outcome").asText()).isEqualTo("pong");
    assertThat(json(run).path("outcome").asText()).isEqualTo("ignored");
    assertThat(analyses()).isEmpty();
  }

  // --- Buildkite ----------------------------------------------------------------------------

  @Test
  void shouldAnalyzeASignedFailedBuildkiteBuildUntilComplete() {
    FakeBuild build = FakeBuild.generate(41, 40_000, 3);
    build.serve(f.ci());
    byte[] body = ServeFixture.buildkiteFinished(build.url(), "build-41", "failed");

    HttpResponse<String> r =
        f.post(
            "/webhooks/buildkite",
            ServeFixture.buildkiteHeaders(Instant.now().getEpochSecond(), body),
            body);

    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    JsonNode doc = f.awaitFinal(json(r).path("request_id").asText(), DONE);
    assertThat(doc.path("status").asText()).as(doc.toString()).isEqualTo("complete");
    assertThat(findingsText(doc)).contains(build.planted().get(0).text());
    assertThat(analyses().get(0).path("pipeline").asText()).isEqualTo("acme/shop");
  }

  @Test
  void shouldRefuseUnsignedWronglySignedAndStaleBuildkiteDeliveries() {
    FakeBuild build = FakeBuild.generate(42, 20_000, 1);
    build.serve(f.ci());
    byte[] body = ServeFixture.buildkiteFinished(build.url(), "build-42", "failed");
    long now = Instant.now().getEpochSecond();
    Map<String, String> unsigned = Map.of("Content-Type", "application/json");
    Map<String, String> wrong = new HashMap<>(ServeFixture.buildkiteHeaders(now, body));
    wrong.put("X-Buildkite-Signature", "timestamp=" + now + ",signature=" + "ab".repeat(32));
    Map<String, String> stale = ServeFixture.buildkiteHeaders(now - 3600, body);
    Map<String, String> token = Map.of("X-Buildkite-Token", ServeFixture.BUILDKITE_SECRET);

    assertThat(f.post("/webhooks/buildkite", unsigned, body).statusCode()).isEqualTo(401);
    assertThat(f.post("/webhooks/buildkite", wrong, body).statusCode()).isEqualTo(401);
    HttpResponse<String> old = f.post("/webhooks/buildkite", stale, body);
    assertThat(old.statusCode()).isEqualTo(401);
    assertThat(json(old).path("error").asText()).contains("replay window");
    assertThat(f.post("/webhooks/buildkite", token, body).statusCode())
        .as("a token alone is not enough when signatures are configured")
        .isEqualTo(401);
    assertThat(analyses()).isEmpty();
    assertThat(f.ci().requestCount()).isZero();
  }

  @Test
  void shouldAnalyzeARedeliveredBuildkiteEventOnce() {
    FakeBuild build = FakeBuild.generate(43, 20_000, 1);
    build.serve(f.ci());
    byte[] body = ServeFixture.buildkiteFinished(build.url(), "build-43", "failed");
    long now = Instant.now().getEpochSecond();

    HttpResponse<String> first =
        f.post("/webhooks/buildkite", ServeFixture.buildkiteHeaders(now, body), body);
    HttpResponse<String> again =
        f.post("/webhooks/buildkite", ServeFixture.buildkiteHeaders(now + 1, body), body);

    assertThat(first.statusCode()).isEqualTo(202);
    assertThat(json(again).path("outcome").asText()).isEqualTo("duplicate");
    f.awaitFinal(json(first).path("request_id").asText(), DONE);
    assertThat(analyses()).hasSize(1);
  }

  @Test
  void shouldIgnoreBuildkiteBuildsThatPassedAndOtherEvents() {
    byte[] passed =
        ServeFixture.buildkiteFinished("https://buildkite.com/acme/shop/builds/9", "b-9", "passed");
    long now = Instant.now().getEpochSecond();
    Map<String, String> started = new HashMap<>(ServeFixture.buildkiteHeaders(now, passed));
    started.put("X-Buildkite-Event", "build.started");

    HttpResponse<String> p =
        f.post("/webhooks/buildkite", ServeFixture.buildkiteHeaders(now, passed), passed);
    HttpResponse<String> s = f.post("/webhooks/buildkite", started, passed);

    assertThat(p.statusCode()).isEqualTo(200);
    assertThat(s.statusCode()).isEqualTo(200);
    assertThat(json(s).path("outcome").asText()).isEqualTo("ignored");
    assertThat(analyses()).isEmpty();
  }

  // --- GitLab -------------------------------------------------------------------------------

  @Test
  void shouldAnalyzeAFailedGitLabPipelineUntilComplete() {
    f.serveGitLabPipeline();
    byte[] body = ServeFixture.gitlabFailedPipeline();

    HttpResponse<String> r =
        f.post("/webhooks/gitlab", ServeFixture.gitlabHeaders("Pipeline Hook", "u-1"), body);

    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    JsonNode doc = f.awaitFinal(json(r).path("request_id").asText(), DONE);
    assertThat(doc.path("status").asText()).as(doc.toString()).isEqualTo("complete");
    assertThat(findingsText(doc)).contains("relation \\\"orders\\\" does not exist");
    assertThat(analyses().get(0).path("branch").asText()).isEqualTo("master");
  }

  @Test
  void shouldRefuseGitLabDeliveriesWithoutOrWithAWrongToken() {
    byte[] body = ServeFixture.gitlabFailedPipeline();
    Map<String, String> none = Map.of("X-Gitlab-Event", "Pipeline Hook");
    Map<String, String> wrong =
        Map.of("X-Gitlab-Event", "Pipeline Hook", "X-Gitlab-Token", "not-the-token");

    assertThat(f.post("/webhooks/gitlab", none, body).statusCode()).isEqualTo(401);
    assertThat(f.post("/webhooks/gitlab", wrong, body).statusCode()).isEqualTo(401);
    assertThat(analyses()).isEmpty();
  }

  @Test
  void shouldAnalyzeARedeliveredGitLabEventOnce() {
    f.serveGitLabPipeline();
    byte[] body = ServeFixture.gitlabFailedPipeline();
    Map<String, String> headers = ServeFixture.gitlabHeaders("Pipeline Hook", "u-2");

    HttpResponse<String> first = f.post("/webhooks/gitlab", headers, body);
    HttpResponse<String> again = f.post("/webhooks/gitlab", headers, body);

    assertThat(first.statusCode()).isEqualTo(202);
    assertThat(json(again).path("outcome").asText()).isEqualTo("duplicate");
    f.awaitFinal(json(first).path("request_id").asText(), DONE);
    assertThat(analyses()).hasSize(1);
  }

  @Test
  void shouldIgnoreGitLabHooksThatAreNotFailures() {
    byte[] pipeline = bytes(sample("gitlab-pipeline-hook.json"));
    byte[] job = bytes(sample("gitlab-job-hook.json"));

    HttpResponse<String> p =
        f.post("/webhooks/gitlab", ServeFixture.gitlabHeaders("Pipeline Hook", "u-3"), pipeline);
    HttpResponse<String> j =
        f.post("/webhooks/gitlab", ServeFixture.gitlabHeaders("Job Hook", "u-4"), job);
    HttpResponse<String> push =
        f.post("/webhooks/gitlab", ServeFixture.gitlabHeaders("Push Hook", "u-5"), job);

    assertThat(List.of(p, j, push)).allSatisfy(r -> assertThat(r.statusCode()).isEqualTo(200));
    assertThat(analyses()).isEmpty();
  }

  // --- all ----------------------------------------------------------------------------------

  @Test
  void shouldCountWebhookOutcomesByReasonInTheMetrics() {
    byte[] body = ServeFixture.gitlabFailedPipeline();
    f.post("/webhooks/gitlab", Map.of("X-Gitlab-Event", "Pipeline Hook"), body);

    String metrics = f.get("/metrics", Map.of()).body();

    assertThat(metrics)
        .contains(
            "destill_webhooks_total{outcome=\"rejected\",provider=\"gitlab\",reason=\"missing_signature\"} 1.0");
  }

  @Test
  void shouldAnswer404ForAProviderWithoutASecret(@TempDir Path other) {
    try (ServeFixture bare =
        ServeFixture.start(
            other,
            Map.of(
                "DESTILL_GITLAB_WEBHOOK_TOKEN", "",
                "DESTILL_GITHUB_WEBHOOK_SECRET", "",
                "DESTILL_BUILDKITE_WEBHOOK_SECRET", ""))) {
      byte[] body = ServeFixture.gitlabFailedPipeline();
      assertThat(
              bare.post("/webhooks/gitlab", ServeFixture.gitlabHeaders("Pipeline Hook", "u"), body)
                  .statusCode())
          .isEqualTo(404);
      assertThat(bare.post("/webhooks/github", Map.of(), body).statusCode()).isEqualTo(404);
      assertThat(bare.post("/webhooks/buildkite", Map.of(), body).statusCode()).isEqualTo(404);
    }
  }
}
