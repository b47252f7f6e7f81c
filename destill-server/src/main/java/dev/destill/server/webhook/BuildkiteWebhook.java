package dev.destill.server.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.destill.server.analysis.Labels;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Buildkite's {@code build.finished} and {@code job.finished} events in state {@code failed}.
 * Authentic when {@code X-Buildkite-Signature} ({@code timestamp=T,signature=S}) is the HMAC-SHA256
 * of {@code T.body} and {@code T} is within the replay window of now, or, when only a token is
 * configured, when {@code X-Buildkite-Token} equals it. Buildkite sends no delivery id, so a
 * redelivery is known by the event and the build (and job) it is about. Thread-safe.
 */
public final class BuildkiteWebhook implements Webhook {
  /** How far a signature's timestamp may be from now, either way. */
  public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(5);

  private final Optional<String> signingSecret;
  private final Optional<String> token;
  private final Clock clock;
  private final Duration window;

  /**
   * @param signingSecret the key of {@code X-Buildkite-Signature}, when signatures are used
   * @param token the value of {@code X-Buildkite-Token}, when tokens are used
   */
  public BuildkiteWebhook(
      Optional<String> signingSecret, Optional<String> token, Clock clock, Duration window) {
    this.signingSecret = signingSecret.filter(s -> !s.isEmpty());
    this.token = token.filter(s -> !s.isEmpty());
    this.clock = Objects.requireNonNull(clock, "clock");
    this.window = Objects.requireNonNull(window, "window");
    if (this.signingSecret.isEmpty() && this.token.isEmpty()) {
      throw new IllegalArgumentException("a Buildkite webhook needs a signing secret or a token");
    }
  }

  @Override
  public String provider() {
    return "buildkite";
  }

  @Override
  public Verdict judge(Map<String, String> headers, byte[] body) {
    Optional<Verdict.Rejected> refused = authenticate(headers, body);
    if (refused.isPresent()) {
      return refused.get();
    }
    Optional<JsonNode> parsed = Payloads.object(body);
    if (parsed.isEmpty()) {
      return new Verdict.Malformed("the body is not a JSON object");
    }
    JsonNode p = parsed.get();
    String event = headers.getOrDefault("x-buildkite-event", Payloads.text(p, "event"));
    if (event.equals("ping")) {
      return new Verdict.Ignored(Verdict.Reason.PING, "ping");
    }
    if (!event.equals("build.finished") && !event.equals("job.finished")) {
      return new Verdict.Ignored(
          Verdict.Reason.IGNORED_EVENT,
          "event '" + event + "' is not build.finished or job.finished");
    }
    JsonNode build = p.path("build");
    boolean job = event.equals("job.finished");
    String state = job ? Payloads.text(p, "job", "state") : Payloads.text(build, "state");
    if (!state.equals("failed")) {
      return new Verdict.Ignored(
          Verdict.Reason.NOT_FAILED, event + (state.isEmpty() ? "" : " in state " + state));
    }
    String webUrl = Payloads.text(build, "web_url");
    String buildId = Payloads.text(build, "id");
    String jobId = Payloads.text(p, "job", "id");
    if (webUrl.isEmpty() || buildId.isEmpty() || (job && jobId.isEmpty())) {
      return new Verdict.Malformed(event + " without build.web_url or the ids");
    }
    // org/pipeline, as the build URL names it
    String pipeline = Labels.ofUrl(webUrl).pipeline();
    return new Verdict.Analyze(
        event + ":" + buildId + (job ? ":" + jobId : ""),
        job ? webUrl + "#" + jobId : webUrl,
        new Labels("buildkite", pipeline, Payloads.text(build, "branch")));
  }

  private Optional<Verdict.Rejected> authenticate(Map<String, String> headers, byte[] body) {
    String signature = headers.getOrDefault("x-buildkite-signature", "");
    if (!signature.isEmpty()) {
      return checkSignature(signature, body);
    }
    String given = headers.getOrDefault("x-buildkite-token", "");
    if (given.isEmpty()) {
      return Optional.of(
          new Verdict.Rejected(
              Verdict.Reason.MISSING_SIGNATURE,
              "no X-Buildkite-Signature"
                  + (token.isPresent() ? " or X-Buildkite-Token" : "")
                  + " header"));
    }
    if (token.isEmpty()) {
      return Optional.of(
          new Verdict.Rejected(
              Verdict.Reason.MISSING_SIGNATURE,
              "X-Buildkite-Token given, but only signed deliveries are accepted (set the webhook"
                  + " to send X-Buildkite-Signature, or set DESTILL_BUILDKITE_WEBHOOK_TOKEN)"));
    }
    if (!Signatures.constantTimeEquals(token.get(), given.trim())) {
      return Optional.of(
          new Verdict.Rejected(
              Verdict.Reason.BAD_SIGNATURE,
              "X-Buildkite-Token does not match DESTILL_BUILDKITE_WEBHOOK_TOKEN"));
    }
    return Optional.empty();
  }

  private Optional<Verdict.Rejected> checkSignature(String header, byte[] body) {
    String timestamp = "";
    String signature = "";
    for (String part : header.split(",")) {
      String[] kv = part.trim().split("=", 2);
      if (kv.length == 2 && kv[0].equals("timestamp")) {
        timestamp = kv[1];
      } else if (kv.length == 2 && kv[0].equals("signature")) {
        signature = kv[1].toLowerCase(java.util.Locale.ROOT);
      }
    }
    long seconds;
    try {
      seconds = Long.parseLong(timestamp);
    } catch (NumberFormatException e) {
      return Optional.of(
          new Verdict.Rejected(
              Verdict.Reason.BAD_SIGNATURE,
              "X-Buildkite-Signature is not timestamp=SECONDS,signature=HEX"));
    }
    String key = signingSecret.orElseGet(token::get);
    String expected =
        Signatures.hmacSha256Hex(key, (timestamp + ".").getBytes(StandardCharsets.UTF_8), body);
    if (!Signatures.constantTimeEquals(expected, signature)) {
      return Optional.of(
          new Verdict.Rejected(
              Verdict.Reason.BAD_SIGNATURE,
              "X-Buildkite-Signature does not match the body (is DESTILL_BUILDKITE_WEBHOOK_SECRET"
                  + " the webhook's token?)"));
    }
    long age = clock.instant().getEpochSecond() - seconds;
    if (Math.abs(age) > window.toSeconds()) {
      return Optional.of(
          new Verdict.Rejected(
              Verdict.Reason.STALE_TIMESTAMP,
              "X-Buildkite-Signature timestamp is "
                  + age
                  + " s from now, outside the "
                  + window.toSeconds()
                  + " s replay window"));
    }
    return Optional.empty();
  }
}
