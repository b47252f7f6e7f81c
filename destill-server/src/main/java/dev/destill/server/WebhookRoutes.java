package dev.destill.server;

import dev.destill.server.analysis.Analyses;
import dev.destill.server.analysis.Overloaded;
import dev.destill.server.analysis.Submission;
import dev.destill.server.webhook.Verdict;
import dev.destill.server.webhook.Webhook;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /webhooks/{provider}} for each configured provider: verify, deduplicate, submit, and
 * answer at once (the analysis runs after the answer). Unconfigured providers have no route (404).
 */
final class WebhookRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookRoutes.class);

  private final ServerSettings settings;
  private final Analyses analyses;
  private final ServerMetrics metrics;
  private final List<Webhook> webhooks;

  WebhookRoutes(
      ServerSettings settings, Analyses analyses, ServerMetrics metrics, List<Webhook> webhooks) {
    this.settings = settings;
    this.analyses = analyses;
    this.metrics = metrics;
    this.webhooks = List.copyOf(webhooks);
  }

  void register(RoutesConfig routes) {
    for (Webhook w : webhooks) {
      routes.post("/webhooks/" + w.provider(), ctx -> handle(w, ctx));
    }
  }

  private void handle(Webhook webhook, Context ctx) {
    byte[] body = Bodies.read(ctx, settings.maxBodyBytes());
    Map<String, String> headers = new HashMap<>();
    ctx.headerMap().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v));
    Verdict verdict = webhook.judge(headers, body);
    String provider = webhook.provider();
    switch (verdict) {
      case Verdict.Rejected r -> {
        LOG.warn("{} webhook refused from {}: {}", provider, ctx.ip(), r.detail());
        count(provider, "rejected", r.reason());
        throw new HttpProblem(401, "signature check failed: " + r.detail());
      }
      case Verdict.Malformed m -> {
        count(provider, "malformed", m.reason());
        throw new HttpProblem(400, m.detail());
      }
      case Verdict.Ignored i -> {
        count(provider, "ignored", i.reason());
        answer(ctx, 200, i.reason() == Verdict.Reason.PING ? "pong" : "ignored", i.detail(), "");
      }
      case Verdict.Analyze a -> analyze(provider, a, ctx);
    }
  }

  private void analyze(String provider, Verdict.Analyze a, Context ctx) {
    if (!analyses.firstDelivery(provider, a.deliveryId())) {
      count(provider, "ignored", Verdict.Reason.DUPLICATE);
      answer(ctx, 200, "duplicate", "delivery " + a.deliveryId() + " was already taken", "");
      return;
    }
    String id;
    try {
      id = analyses.submit(new Submission.BuildUrl(a.url(), a.labels()));
    } catch (Overloaded e) {
      // The provider retries a refused delivery: it must count as new then.
      analyses.forgetDelivery(provider, a.deliveryId());
      count(provider, "refused", Verdict.Reason.OVERLOADED);
      throw e;
    } catch (RuntimeException e) {
      analyses.forgetDelivery(provider, a.deliveryId());
      throw e;
    }
    count(provider, "accepted", Verdict.Reason.ACCEPTED);
    metrics.submitted("webhook");
    LOG.info("{} webhook: analyzing {} as {}", provider, a.url(), id);
    ctx.header("Location", ApiRoutes.PREFIX + "/analyses/" + id);
    answer(ctx, 202, "accepted", a.url(), id);
  }

  private void count(String provider, String outcome, Verdict.Reason reason) {
    metrics.webhook(provider, outcome, reason.id());
  }

  private static void answer(Context ctx, int status, String outcome, String detail, String id) {
    ctx.status(status)
        .contentType("application/json")
        .result(
            DestillServer.json(
                g -> {
                  g.writeStringField("outcome", outcome);
                  g.writeStringField("detail", detail);
                  if (!id.isEmpty()) {
                    g.writeStringField("request_id", id);
                    g.writeStringField("location", ApiRoutes.PREFIX + "/analyses/" + id);
                  }
                }));
  }
}
