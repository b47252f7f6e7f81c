package dev.destill.server.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.destill.server.analysis.Labels;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * GitHub's {@code workflow_run} and {@code workflow_job} events: a completed run or job whose
 * conclusion is {@code failure} or {@code timed_out} is analyzed. {@code X-Hub-Signature-256} must
 * be the HMAC-SHA256 of the raw body with the webhook's secret; {@code X-GitHub-Delivery} names the
 * delivery (a redelivery keeps it). Thread-safe.
 */
public final class GitHubWebhook implements Webhook {
  static final Set<String> FAILED = Set.of("failure", "timed_out");

  private final String secret;

  public GitHubWebhook(String secret) {
    this.secret = Objects.requireNonNull(secret, "secret");
    if (secret.isEmpty()) {
      throw new IllegalArgumentException("the GitHub webhook secret is empty");
    }
  }

  @Override
  public String provider() {
    return "github";
  }

  @Override
  public Verdict judge(Map<String, String> headers, byte[] body) {
    String given = headers.getOrDefault("x-hub-signature-256", "");
    if (given.isEmpty()) {
      return new Verdict.Rejected(
          Verdict.Reason.MISSING_SIGNATURE, "no X-Hub-Signature-256 header");
    }
    String expected = "sha256=" + Signatures.hmacSha256Hex(secret, body);
    if (!Signatures.constantTimeEquals(expected, given.trim().toLowerCase(java.util.Locale.ROOT))) {
      return new Verdict.Rejected(
          Verdict.Reason.BAD_SIGNATURE,
          "X-Hub-Signature-256 does not match the body (is DESTILL_GITHUB_WEBHOOK_SECRET the"
              + " webhook's secret?)");
    }
    String event = headers.getOrDefault("x-github-event", "");
    if (event.equals("ping")) {
      return new Verdict.Ignored(Verdict.Reason.PING, "ping");
    }
    if (!event.equals("workflow_run") && !event.equals("workflow_job")) {
      return new Verdict.Ignored(
          Verdict.Reason.IGNORED_EVENT,
          "event '" + event + "' is not workflow_run or workflow_job");
    }
    Optional<JsonNode> parsed = Payloads.object(body);
    if (parsed.isEmpty()) {
      return new Verdict.Malformed("the body is not a JSON object");
    }
    JsonNode p = parsed.get();
    JsonNode subject = p.path(event);
    String action = Payloads.text(p, "action");
    String conclusion = Payloads.text(subject, "conclusion");
    if (!action.equals("completed") || !FAILED.contains(conclusion)) {
      return new Verdict.Ignored(
          Verdict.Reason.NOT_FAILED,
          event + " " + action + (conclusion.isEmpty() ? "" : " with conclusion " + conclusion));
    }
    String repoUrl = Payloads.text(p, "repository", "html_url");
    String repo = Payloads.text(p, "repository", "full_name");
    String id = Payloads.text(subject, "id");
    String runId = event.equals("workflow_run") ? id : Payloads.text(subject, "run_id");
    if (repoUrl.isEmpty() || runId.isEmpty() || id.isEmpty()) {
      return new Verdict.Malformed(event + " without repository.html_url or its id");
    }
    String url =
        repoUrl + "/actions/runs/" + runId + (event.equals("workflow_job") ? "/job/" + id : "");
    String delivery = headers.getOrDefault("x-github-delivery", "");
    return new Verdict.Analyze(
        delivery.isEmpty() ? "body:" + Signatures.sha256Hex(body) : delivery,
        url,
        new Labels("github", repo, Payloads.text(subject, "head_branch")));
  }
}
