package dev.destill.core.pipeline;

import java.util.List;

/** The pipeline's topics and consumer groups, shared by every deployment. */
public final class Topics {
  /** Analysis requests; key: request id. */
  public static final String REQUESTS = "destill.requests";

  /**
   * Log chunks; key: build, job and chunk index, so that one build's chunks spread over every
   * analyze agent. Their order does not matter: each chunk is analyzed alone, and a request is
   * complete when the store has counted every chunk's {@code ChunkAnalyzed} event (once each, by
   * job and index) against the total that ingestion announced on the findings topic.
   */
  public static final String LOGS = "destill.logs.raw";

  /**
   * The baseline templates of failed jobs ({@link PipelineMessage.BaselinePart}), published by the
   * ingest agent before the job's chunks; key: request id. Every analyze agent process reads all of
   * it (a group of its own); it matters only while a request runs.
   */
  public static final String BASELINES = "destill.baselines";

  /**
   * Findings, followed by the progress events that say which work they complete; key: request id,
   * so a request's findings and events stay in order.
   */
  public static final String FINDINGS = "destill.analysis.findings";

  /** Progress events for observers; key: request id. */
  public static final String PROGRESS = "destill.progress";

  /** Messages no agent could read, with the reason; key: the original key. */
  public static final String DEAD_LETTER = "destill.deadletter";

  /** Requests whose findings are all stored (from the sink), for the explain agent. */
  public static final String COMPLETED = "destill.requests.completed";

  /** Explanations of requests (from the explain agent), for the sink. */
  public static final String INSIGHTS = "destill.insights";

  /** Batches of line counts for the hot statistics; key: the counts' source. */
  public static final String STATS = "destill.stats";

  public static final String INGEST_GROUP = "destill-ingest";
  public static final String ANALYZE_GROUP = "destill-analyze";
  public static final String SINK_GROUP = "destill-postgres-sink";
  public static final String EXPLAIN_GROUP = "destill-explain";
  public static final String INSIGHT_SINK_GROUP = "destill-insight-sink";
  public static final String STATS_GROUP = "destill-stats-sink";

  /** Every topic the pipeline uses. */
  public static final List<String> ALL =
      List.of(
          REQUESTS, LOGS, BASELINES, FINDINGS, PROGRESS, DEAD_LETTER, COMPLETED, INSIGHTS, STATS);

  private Topics() {}
}
