package dev.destill.app.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class PrometheusAgentMetricsTest {
  @Test
  void shouldCountMessagesPerAgentAndTopic() {
    var metrics = new PrometheusAgentMetrics("analyze");

    metrics.messagesIn("destill.chunks", 3);
    metrics.messagesIn("destill.chunks", 2);
    metrics.messagesOut("destill.findings", 4);

    assertThat(metrics.scrape())
        .contains("destill_messages_in_total{agent=\"analyze\",topic=\"destill.chunks\"} 5.0\n")
        .contains("destill_messages_out_total{agent=\"analyze\",topic=\"destill.findings\"} 4.0\n");
  }

  @Test
  void shouldCountErrorsByKind() {
    var metrics = new PrometheusAgentMetrics("sink");

    metrics.error("poison");
    metrics.error("poison");
    metrics.error("store");

    assertThat(metrics.scrape())
        .contains("destill_errors_total{agent=\"sink\",kind=\"poison\"} 2.0\n")
        .contains("destill_errors_total{agent=\"sink\",kind=\"store\"} 1.0\n");
  }

  @Test
  void shouldObserveBatchLatencyInSeconds() {
    var metrics = new PrometheusAgentMetrics("ingest");

    metrics.batch(Duration.ofMillis(250));
    metrics.batch(Duration.ofMillis(750));

    assertThat(metrics.scrape())
        .contains("# TYPE destill_batch_seconds histogram\n")
        .contains("destill_batch_seconds_count{agent=\"ingest\"} 2\n")
        .contains("destill_batch_seconds_sum{agent=\"ingest\"} 1.0\n")
        .contains("destill_batch_seconds_bucket{agent=\"ingest\",le=\"0.25\"} 1\n")
        .contains("destill_batch_seconds_bucket{agent=\"ingest\",le=\"1.0\"} 2\n");
  }

  @Test
  void shouldReportTheLatestLagPerTopic() {
    var metrics = new PrometheusAgentMetrics("analyze");

    metrics.lag("destill.chunks", OptionalLong.of(120));
    metrics.lag("destill.chunks", OptionalLong.of(7));

    assertThat(metrics.scrape())
        .contains("# TYPE destill_consumer_lag gauge\n")
        .contains("destill_consumer_lag{agent=\"analyze\",topic=\"destill.chunks\"} 7.0\n");
  }

  @Test
  void shouldReportLagThatCannotBeReadAsNaNNotZero() {
    var metrics = new PrometheusAgentMetrics("analyze");

    metrics.lag("destill.chunks", OptionalLong.of(7));
    metrics.lag("destill.chunks", OptionalLong.empty());

    assertThat(metrics.scrape())
        .contains("destill_consumer_lag{agent=\"analyze\",topic=\"destill.chunks\"} NaN\n");
  }

  @Test
  void shouldReportLagAsNaNOnceItIsNoLongerRead() {
    AtomicLong now = new AtomicLong();
    var metrics = new PrometheusAgentMetrics("sink", now::get);
    metrics.lag("destill.findings", OptionalLong.of(3));
    String line = "destill_consumer_lag{agent=\"sink\",topic=\"destill.findings\"} ";

    now.addAndGet(PrometheusAgentMetrics.STALE.toNanos());
    assertThat(metrics.scrape()).contains(line + "3.0\n");
    now.addAndGet(1);
    assertThat(metrics.scrape()).as("an agent that stopped polling").contains(line + "NaN\n");
  }

  @Test
  void shouldKeepEachInstanceInItsOwnRegistry() {
    var first = new PrometheusAgentMetrics("ingest");
    var second = new PrometheusAgentMetrics("ingest");

    first.messagesIn("destill.requests", 1);

    assertThat(second.scrape()).doesNotContain("destill.requests");
    assertThat(first.registry()).isNotSameAs(second.registry());
  }

  @Test
  void shouldWriteTheFormatItsContentTypeNames() {
    var metrics = new PrometheusAgentMetrics("sink");
    metrics.error("store");

    assertThat(metrics.contentType()).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
    // Text format 0.0.4, not OpenMetrics: counters keep their _total name and there is no EOF.
    assertThat(metrics.scrape())
        .contains("# TYPE destill_errors_total counter\n")
        .doesNotContain("# EOF");
  }

  @Test
  void shouldRejectUnknownAgentsAndNegativeCounts() {
    assertThatThrownBy(() -> new PrometheusAgentMetrics("ingester"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ingest, analyze, sink");
    assertThatThrownBy(() -> new PrometheusAgentMetrics("sink").messagesOut("t", -1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
