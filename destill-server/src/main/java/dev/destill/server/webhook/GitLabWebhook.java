package dev.destill.server.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.destill.server.analysis.Labels;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * GitLab's Pipeline Hook and Job Hook with status {@code failed}. Authentic when {@code
 * X-Gitlab-Token} equals the configured token; {@code X-Gitlab-Event-UUID} (or {@code
 * Idempotency-Key}) names the delivery. Thread-safe.
 */
public final class GitLabWebhook implements Webhook {
  private final String token;

  public GitLabWebhook(String token) {
    this.token = Objects.requireNonNull(token, "token");
    if (token.isEmpty()) {
      throw new IllegalArgumentException("the GitLab webhook token is empty");
    }
  }

  @Override
  public String provider() {
    return "gitlab";
  }

  @Override
  public Verdict judge(Map<String, String> headers, byte[] body) {
    String given = headers.getOrDefault("x-gitlab-token", "");
    if (given.isEmpty()) {
      return new Verdict.Rejected(Verdict.Reason.MISSING_SIGNATURE, "no X-Gitlab-Token header");
    }
    if (!Signatures.constantTimeEquals(token, given.trim())) {
      return new Verdict.Rejected(
          Verdict.Reason.BAD_SIGNATURE,
          "X-Gitlab-Token does not match DESTILL_GITLAB_WEBHOOK_TOKEN");
    }
    String event = headers.getOrDefault("x-gitlab-event", "");
    if (!event.equals("Pipeline Hook") && !event.equals("Job Hook")) {
      return new Verdict.Ignored(
          Verdict.Reason.IGNORED_EVENT, "event '" + event + "' is not Pipeline Hook or Job Hook");
    }
    Optional<JsonNode> parsed = Payloads.object(body);
    if (parsed.isEmpty()) {
      return new Verdict.Malformed("the body is not a JSON object");
    }
    JsonNode p = parsed.get();
    boolean pipeline = event.equals("Pipeline Hook");
    String status =
        pipeline
            ? Payloads.text(p, "object_attributes", "status")
            : Payloads.text(p, "build_status");
    if (!status.equals("failed")) {
      return new Verdict.Ignored(
          Verdict.Reason.NOT_FAILED, event + (status.isEmpty() ? "" : " with status " + status));
    }
    String projectUrl = Payloads.text(p, "project", "web_url");
    if (projectUrl.isEmpty()) {
      projectUrl = Payloads.text(p, "repository", "homepage");
    }
    String url;
    String branch;
    if (pipeline) {
      String id = Payloads.text(p, "object_attributes", "id");
      url = Payloads.text(p, "object_attributes", "url");
      if (url.isEmpty() && !projectUrl.isEmpty() && !id.isEmpty()) {
        url = projectUrl + "/-/pipelines/" + id;
      }
      branch = Payloads.text(p, "object_attributes", "ref");
    } else {
      String id = Payloads.text(p, "build_id");
      url = projectUrl.isEmpty() || id.isEmpty() ? "" : projectUrl + "/-/jobs/" + id;
      branch = Payloads.text(p, "ref");
    }
    if (url.isEmpty()) {
      return new Verdict.Malformed(event + " without the project's web_url or the id");
    }
    String delivery = headers.getOrDefault("x-gitlab-event-uuid", "");
    if (delivery.isEmpty()) {
      delivery = headers.getOrDefault("idempotency-key", "");
    }
    String project = Payloads.text(p, "project", "path_with_namespace");
    return new Verdict.Analyze(
        delivery.isEmpty() ? "body:" + Signatures.sha256Hex(body) : delivery,
        url,
        new Labels("gitlab", project.isEmpty() ? Labels.ofUrl(url).pipeline() : project, branch));
  }
}
