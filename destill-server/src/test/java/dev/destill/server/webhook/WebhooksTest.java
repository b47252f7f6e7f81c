package dev.destill.server.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** How each provider's webhook judges a delivery: authenticity first, then what it is about. */
class WebhooksTest {
  static final Instant NOW = Instant.ofEpochSecond(1_800_000_000);
  static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static final byte[] RUN =
      utf8(
          """
          {"action":"completed","workflow_run":{"id":42,"conclusion":"timed_out","head_branch":"dev"},
           "repository":{"full_name":"acme/shop","html_url":"https://ghe.example.com/acme/shop"}}""");

  @Test
  void shouldAcceptAGitHubRunSignedOverTheRawBody() {
    GitHubWebhook hook = new GitHubWebhook("s3cret-value");
    Map<String, String> headers =
        Map.of(
            "x-github-event", "workflow_run",
            "x-github-delivery", "abc",
            "x-hub-signature-256", "sha256=" + Signatures.hmacSha256Hex("s3cret-value", RUN));

    Verdict v = hook.judge(headers, RUN);

    assertThat(v)
        .isEqualTo(
            new Verdict.Analyze(
                "abc",
                "https://ghe.example.com/acme/shop/actions/runs/42",
                new dev.destill.server.analysis.Labels("github", "acme/shop", "dev")));
  }

  @Test
  void shouldRejectAGitHubBodyChangedAfterSigning() {
    GitHubWebhook hook = new GitHubWebhook("s3cret-value");
    String signature = "sha256=" + Signatures.hmacSha256Hex("s3cret-value", RUN);
    byte[] changed = utf8(new String(RUN, StandardCharsets.UTF_8).replace("42", "43"));

    Verdict v =
        hook.judge(
            Map.of("x-github-event", "workflow_run", "x-hub-signature-256", signature), changed);
    Verdict none = hook.judge(Map.of("x-github-event", "workflow_run"), RUN);

    assertThat(v)
        .isInstanceOfSatisfying(
            Verdict.Rejected.class,
            r -> assertThat(r.reason()).isEqualTo(Verdict.Reason.BAD_SIGNATURE));
    assertThat(none)
        .isInstanceOfSatisfying(
            Verdict.Rejected.class,
            r -> assertThat(r.reason()).isEqualTo(Verdict.Reason.MISSING_SIGNATURE));
    assertThat(((Verdict.Rejected) v).detail()).doesNotContain("s3cret-value");
  }

  @Test
  void shouldKnowAGitHubDeliveryWithoutAnIdByItsBody() {
    GitHubWebhook hook = new GitHubWebhook("k");
    Map<String, String> headers =
        Map.of(
            "x-github-event",
            "workflow_run",
            "x-hub-signature-256",
            "sha256=" + Signatures.hmacSha256Hex("k", RUN));

    Verdict a = hook.judge(headers, RUN);
    Verdict b = hook.judge(headers, RUN);

    assertThat(((Verdict.Analyze) a).deliveryId())
        .startsWith("body:")
        .isEqualTo(((Verdict.Analyze) b).deliveryId());
  }

  static byte[] buildkite(String event, String state) {
    return utf8(
        """
        {"event":"%s","build":{"id":"b-1","state":"%s","branch":"main",
          "web_url":"https://buildkite.com/acme/shop/builds/9"},
         "job":{"id":"0190a1b2-0000-4000-8000-000000000091","state":"%s"}}"""
            .formatted(event, state, state));
  }

  static Map<String, String> signed(String key, long ts, byte[] body) {
    return Map.of(
        "x-buildkite-signature",
        "timestamp=" + ts + ",signature=" + Signatures.hmacSha256Hex(key, utf8(ts + "."), body));
  }

  @Test
  void shouldAcceptABuildkiteSignatureWithinTheReplayWindowOnly() {
    BuildkiteWebhook hook =
        new BuildkiteWebhook(Optional.of("tok"), Optional.empty(), CLOCK, Duration.ofMinutes(5));
    byte[] body = buildkite("build.finished", "failed");
    long now = NOW.getEpochSecond();

    assertThat(hook.judge(signed("tok", now - 299, body), body))
        .isInstanceOf(Verdict.Analyze.class);
    assertThat(hook.judge(signed("tok", now + 299, body), body))
        .isInstanceOf(Verdict.Analyze.class);
    assertThat(hook.judge(signed("tok", now - 301, body), body))
        .isInstanceOfSatisfying(
            Verdict.Rejected.class,
            r -> assertThat(r.reason()).isEqualTo(Verdict.Reason.STALE_TIMESTAMP));
    assertThat(hook.judge(signed("other", now, body), body))
        .isInstanceOfSatisfying(
            Verdict.Rejected.class,
            r -> assertThat(r.reason()).isEqualTo(Verdict.Reason.BAD_SIGNATURE));
  }

  @Test
  void shouldAnalyzeTheFailedBuildkiteJobAloneAndIgnoreOtherStates() {
    BuildkiteWebhook hook =
        new BuildkiteWebhook(Optional.empty(), Optional.of("tok"), CLOCK, Duration.ofMinutes(5));
    byte[] failed = buildkite("job.finished", "failed");
    byte[] passed = buildkite("job.finished", "passed");
    Map<String, String> token = Map.of("x-buildkite-token", "tok");

    Verdict v = hook.judge(token, failed);

    assertThat(v)
        .isInstanceOfSatisfying(
            Verdict.Analyze.class,
            a -> {
              assertThat(a.url())
                  .isEqualTo(
                      "https://buildkite.com/acme/shop/builds/9#0190a1b2-0000-4000-8000-000000000091");
              assertThat(a.deliveryId())
                  .isEqualTo("job.finished:b-1:0190a1b2-0000-4000-8000-000000000091");
              assertThat(a.labels().pipeline()).isEqualTo("acme/shop");
            });
    assertThat(hook.judge(token, passed)).isInstanceOf(Verdict.Ignored.class);
    assertThat(hook.judge(Map.of("x-buildkite-token", "nope"), failed))
        .isInstanceOf(Verdict.Rejected.class);
  }

  @Test
  void shouldAnalyzeAFailedGitLabJobByItsProjectUrl() {
    GitLabWebhook hook = new GitLabWebhook("gl-token");
    byte[] body =
        utf8(
            """
            {"object_kind":"build","ref":"main","build_id":1977,"build_status":"failed",
             "project":{"web_url":"https://gitlab.example.com/acme/shop","path_with_namespace":"acme/shop"}}""");

    Verdict v =
        hook.judge(
            Map.of(
                "x-gitlab-token",
                "gl-token",
                "x-gitlab-event",
                "Job Hook",
                "idempotency-key",
                "k-1"),
            body);

    assertThat(v)
        .isEqualTo(
            new Verdict.Analyze(
                "k-1",
                "https://gitlab.example.com/acme/shop/-/jobs/1977",
                new dev.destill.server.analysis.Labels("gitlab", "acme/shop", "main")));
  }

  @Test
  void shouldCallABadBodyMalformedOnlyAfterItIsAuthentic() {
    GitLabWebhook hook = new GitLabWebhook("gl-token");
    byte[] junk = utf8("{not json");

    assertThat(hook.judge(Map.of("x-gitlab-event", "Pipeline Hook"), junk))
        .isInstanceOf(Verdict.Rejected.class);
    assertThat(
            hook.judge(
                Map.of("x-gitlab-token", "gl-token", "x-gitlab-event", "Pipeline Hook"), junk))
        .isInstanceOf(Verdict.Malformed.class);
  }
}
