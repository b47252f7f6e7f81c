package dev.destill.app.agent;

import dev.destill.core.pipeline.AgentMetrics;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * {@link AgentMetrics} kept in a Prometheus registry of its own (never the global default one), so
 * that every instance, and every test, counts alone. Every series carries the {@code agent} label.
 * Thread-safe.
 */
public final class PrometheusAgentMetrics implements AgentMetrics {
  /** The agents that report metrics: the values of the {@code agent} label. */
  public static final Set<String> AGENTS = Set.of("ingest", "analyze", "sink");

  /** Batch latency buckets, in seconds: from a quick poll up to a slow sink write. */
  private static final double[] BATCH_BUCKETS = {
    0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60
  };

  private final String agent;
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
  private final Counter messagesIn;
  private final Counter messagesOut;
  private final Counter errors;
  private final Histogram batches;
  // The last lag read per topic, and when: a reading older than STALE is not reported as current.
  private final Map<String, Reading> lag = new ConcurrentHashMap<>();
  private final LongSupplier nanoTime;

  /** A lag reading older than this is reported as NaN: the agent stopped reading it. */
  public static final Duration STALE = Duration.ofSeconds(30);

  private record Reading(OptionalLong messages, long at) {}

  /**
   * @param agent one of {@link #AGENTS}
   * @throws IllegalArgumentException for any other name
   */
  public PrometheusAgentMetrics(String agent) {
    this(agent, System::nanoTime);
  }

  /**
   * @param nanoTime the clock lag readings are aged by
   */
  PrometheusAgentMetrics(String agent, LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
    if (!AGENTS.contains(agent)) {
      throw new IllegalArgumentException(
          "agent must be one of ingest, analyze, sink, not '" + agent + "'");
    }
    this.agent = agent;
    messagesIn =
        Counter.builder()
            .name("destill_messages_in_total")
            .help("Messages consumed, per topic.")
            .labelNames("agent", "topic")
            .register(registry);
    messagesOut =
        Counter.builder()
            .name("destill_messages_out_total")
            .help("Messages published, per topic.")
            .labelNames("agent", "topic")
            .register(registry);
    errors =
        Counter.builder()
            .name("destill_errors_total")
            .help("Messages that could not be processed, per kind of error.")
            .labelNames("agent", "kind")
            .register(registry);
    batches =
        Histogram.builder()
            .name("destill_batch_seconds")
            .help("Time to process one batch: a poll's messages, or one sink write.")
            .labelNames("agent")
            .classicOnly()
            .classicUpperBounds(BATCH_BUCKETS)
            .register(registry);
    GaugeWithCallback.builder()
        .name("destill_consumer_lag")
        .help(
            "Messages waiting for this agent's consumer group, per topic; NaN when it cannot be"
                + " read or was last read more than 30 s ago.")
        .labelNames("agent", "topic")
        .callback(cb -> lag.forEach((topic, r) -> cb.call(current(r), agent, topic)))
        .register(registry);
  }

  /** The value of the {@code agent} label. */
  public String agent() {
    return agent;
  }

  /** The registry these metrics live in, for adding more collectors. */
  public PrometheusRegistry registry() {
    return registry;
  }

  @Override
  public void messagesIn(String topic, int n) {
    messagesIn.labelValues(agent, requireTopic(topic)).inc(requireCount(n));
  }

  @Override
  public void messagesOut(String topic, int n) {
    messagesOut.labelValues(agent, requireTopic(topic)).inc(requireCount(n));
  }

  @Override
  public void error(String kind) {
    errors.labelValues(agent, Objects.requireNonNull(kind, "kind")).inc();
  }

  @Override
  public void batch(Duration latency) {
    batches.labelValues(agent).observe(Objects.requireNonNull(latency, "latency").toNanos() / 1e9);
  }

  @Override
  public void lag(String topic, OptionalLong messages) {
    lag.put(requireTopic(topic), new Reading(messages, nanoTime.getAsLong()));
  }

  private double current(Reading r) {
    boolean stale = nanoTime.getAsLong() - r.at() > STALE.toNanos();
    return stale || r.messages().isEmpty() ? Double.NaN : r.messages().getAsLong();
  }

  /** The media type of {@link #writeTo}: Prometheus text format 0.0.4. */
  public String contentType() {
    return writer.getContentType();
  }

  /** Writes every metric in the Prometheus text exposition format; leaves {@code out} open. */
  public void writeTo(OutputStream out) throws IOException {
    writer.write(out, registry.scrape());
  }

  /** Every metric in the Prometheus text exposition format. */
  public String scrape() {
    var out = new ByteArrayOutputStream();
    try {
      writeTo(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static String requireTopic(String topic) {
    return Objects.requireNonNull(topic, "topic");
  }

  private static long requireCount(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("message count must not be negative: " + n);
    }
    return n;
  }
}
