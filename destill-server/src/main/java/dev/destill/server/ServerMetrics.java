package dev.destill.server;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * The server's metrics, in a Prometheus registry of its own: requests by route and status, webhook
 * outcomes by provider and reason, analysis latency and the queue depth. Thread-safe.
 */
public final class ServerMetrics {
  private static final double[] REQUEST_BUCKETS = {
    0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10
  };
  private static final double[] ANALYSIS_BUCKETS = {
    0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600
  };

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
  private final Counter requests;
  private final Histogram requestSeconds;
  private final Counter webhooks;
  private final Histogram analysisSeconds;
  private final Counter analyses;

  public ServerMetrics() {
    requests =
        Counter.builder()
            .name("destill_http_requests_total")
            .help("HTTP requests served, by route, method and status.")
            .labelNames("route", "method", "status")
            .register(registry);
    requestSeconds =
        Histogram.builder()
            .name("destill_http_request_seconds")
            .help("Time to answer an HTTP request, by route (an event stream counts whole).")
            .labelNames("route")
            .classicOnly()
            .classicUpperBounds(REQUEST_BUCKETS)
            .register(registry);
    webhooks =
        Counter.builder()
            .name("destill_webhooks_total")
            .help("Webhook deliveries by provider, outcome and reason.")
            .labelNames("provider", "outcome", "reason")
            .register(registry);
    analysisSeconds =
        Histogram.builder()
            .name("destill_analysis_seconds")
            .help("Time from accepting an analysis to its end, as this process saw it.")
            .labelNames("status")
            .classicOnly()
            .classicUpperBounds(ANALYSIS_BUCKETS)
            .register(registry);
    analyses =
        Counter.builder()
            .name("destill_analyses_submitted_total")
            .help("Analyses accepted, by how they came (api, upload, webhook).")
            .labelNames("via")
            .register(registry);
  }

  /** Reports the queue depth (analyses accepted and not finished) on every scrape. */
  public void queueDepth(DoubleSupplier depth) {
    GaugeWithCallback.builder()
        .name("destill_analysis_queue_depth")
        .help("Analyses accepted and not yet finished, as this process knows them.")
        .callback(cb -> cb.call(depth.getAsDouble()))
        .register(registry);
  }

  void request(String route, String method, int status, Duration took) {
    requests.labelValues(route, method, String.valueOf(status)).inc();
    requestSeconds.labelValues(route).observe(took.toNanos() / 1e9);
  }

  void webhook(String provider, String outcome, String reason) {
    webhooks.labelValues(provider, outcome, reason).inc();
  }

  void submitted(String via) {
    analyses.labelValues(via).inc();
  }

  /** An analysis ended ({@code complete} or {@code failed}) after {@code took}. */
  public void analysisFinished(String status, Duration took) {
    analysisSeconds.labelValues(status).observe(took.toNanos() / 1e9);
  }

  /** The registry, for adding collectors (the agents' metrics in one-process mode). */
  public PrometheusRegistry registry() {
    return registry;
  }

  String contentType() {
    return writer.getContentType();
  }

  /** Every metric in the Prometheus text format. */
  public String scrape() {
    var out = new ByteArrayOutputStream();
    try {
      writer.write(out, registry.scrape());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
