package dev.destill.core.pipeline;

import dev.destill.core.model.Finding;
import dev.destill.core.model.JobInfo;
import dev.destill.core.model.RequestEvent;
import dev.destill.core.provider.BaselineChoice;
import dev.destill.core.provider.Targets;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What agents send each other. Each message is serialized with a {@code schema_version} ({@link
 * #SCHEMA_VERSION}); readers refuse versions they do not know.
 */
public sealed interface PipelineMessage {
  /** The version of the message schema this code writes and reads. */
  int SCHEMA_VERSION = 1;

  String requestId();

  /**
   * Analyze a build: one build URL, or local paths that together form one build, comparing its
   * failed jobs with {@code baseline} (which the ingest agent resolves and reads).
   */
  record AnalysisRequest(
      String requestId, List<String> targets, Instant submitted, BaselineChoice baseline)
      implements PipelineMessage {
    public AnalysisRequest {
      Objects.requireNonNull(requestId, "requestId");
      Objects.requireNonNull(submitted, "submitted");
      Objects.requireNonNull(baseline, "baseline");
      targets = List.copyOf(targets);
      if (targets.isEmpty()) {
        throw new IllegalArgumentException("a request needs at least one target");
      }
    }

    /** A request without a baseline. */
    public AnalysisRequest(String requestId, List<String> targets, Instant submitted) {
      this(requestId, targets, submitted, BaselineChoice.NONE);
    }

    /** The targets as the user gave them, credentials masked ({@link Targets}), for display. */
    public String input() {
      return Targets.redact(String.join(" ", targets));
    }
  }

  /**
   * One piece of a job's log: lines {@code firstLine..lastLine} of the raw log. Findings whose
   * first line is in {@code ownFrom..ownTo} belong to this chunk; the lines around them overlap the
   * neighbouring chunks, for context and for blocks that cross the cut.
   *
   * @param index 0-based position of this chunk in its job
   * @param total how many chunks the job has; 0 while that is not known yet: chunks go out while
   *     the log still streams in, so the last chunk is the first to know the total
   * @param data the lines' bytes, each line ending in {@code \n} but possibly the last
   * @param baseline the template set of the request on {@link Topics#BASELINES} that the job is
   *     compared with, published before this chunk (so the analysis waits for it); empty when the
   *     job has none there
   */
  record LogChunk(
      String requestId,
      String buildId,
      JobInfo job,
      int index,
      int total,
      long firstLine,
      long ownFrom,
      long ownTo,
      byte[] data,
      java.util.Optional<String> baseline)
      implements PipelineMessage {
    public LogChunk {
      Objects.requireNonNull(requestId, "requestId");
      Objects.requireNonNull(buildId, "buildId");
      Objects.requireNonNull(job, "job");
      Objects.requireNonNull(data, "data");
      Objects.requireNonNull(baseline, "baseline");
      if (index < 0
          || (total != 0 && total <= index)
          || firstLine < 1
          || ownFrom < firstLine
          || ownTo < ownFrom) {
        throw new IllegalArgumentException("inconsistent chunk geometry");
      }
    }

    /** A chunk of a job with no template set to compare with. */
    public LogChunk(
        String requestId,
        String buildId,
        JobInfo job,
        int index,
        int total,
        long firstLine,
        long ownFrom,
        long ownTo,
        byte[] data) {
      this(
          requestId,
          buildId,
          job,
          index,
          total,
          firstLine,
          ownFrom,
          ownTo,
          data,
          java.util.Optional.empty());
    }

    /** True for the job's last chunk. */
    public boolean isLast() {
      return index == total - 1;
    }
  }

  /**
   * One part of template set {@code set} of a request: the baseline of a failed job ({@link
   * dev.destill.core.engine.LineTemplates#toBytes}, cut into parts of at most {@link #MAX_BYTES};
   * topic {@link Topics#BASELINES}, key: request id, so a set's parts stay in order).
   *
   * @param set names the set within the request: the failed job's id when the ingest agent read it,
   *     {@code file:NAME} for a file the submitter read
   * @param index 0-based position of this part
   * @param total how many parts the set has
   */
  record BaselinePart(String requestId, String set, int index, int total, byte[] data)
      implements PipelineMessage {
    /** The most bytes one part carries. */
    public static final int MAX_BYTES = 512 * 1024;

    public BaselinePart {
      Objects.requireNonNull(requestId, "requestId");
      Objects.requireNonNull(set, "set");
      Objects.requireNonNull(data, "data");
      if (index < 0 || total <= index || data.length > MAX_BYTES) {
        throw new IllegalArgumentException("inconsistent baseline part");
      }
    }

    /** {@code templates} as the parts that carry them, in order. */
    public static List<BaselinePart> of(String requestId, String set, byte[] templates) {
      int total = Math.max(1, (templates.length + MAX_BYTES - 1) / MAX_BYTES);
      List<BaselinePart> parts = new java.util.ArrayList<>(total);
      for (int i = 0; i < total; i++) {
        int from = i * MAX_BYTES;
        int to = Math.min(templates.length, from + MAX_BYTES);
        parts.add(
            new BaselinePart(
                requestId, set, i, total, java.util.Arrays.copyOfRange(templates, from, to)));
      }
      return parts;
    }
  }

  /** A finding of a request, from a log chunk or a test report. */
  record FindingMessage(String requestId, Finding finding) implements PipelineMessage {
    public FindingMessage {
      Objects.requireNonNull(requestId, "requestId");
      Objects.requireNonNull(finding, "finding");
    }
  }

  /** How far a request got. */
  record Progress(RequestEvent event) implements PipelineMessage {
    public Progress {
      Objects.requireNonNull(event, "event");
    }

    @Override
    public String requestId() {
      return event.requestId();
    }
  }

  /**
   * A request whose findings are all stored, announced by the sink once it has committed them
   * (topic {@link Topics#COMPLETED}); the explain agent starts from it. It may come more than once.
   */
  record RequestCompleted(String requestId, Instant at) implements PipelineMessage {
    public RequestCompleted {
      Objects.requireNonNull(requestId, "requestId");
      Objects.requireNonNull(at, "at");
    }
  }

  /**
   * What the explain agent made of a request (topic {@link Topics#INSIGHTS}), for the sink to
   * store: the explanation (absent when the model failed), the cache key it is kept under, and the
   * request sent to the model (absent when the explanation was reused).
   */
  record Insight(
      String requestId,
      String cacheKey,
      java.util.Optional<dev.destill.core.explain.Explanation> explanation,
      java.util.Optional<dev.destill.core.explain.ExplanationStore.SentRequest> sent)
      implements PipelineMessage {
    public Insight {
      Objects.requireNonNull(requestId, "requestId");
      Objects.requireNonNull(cacheKey, "cacheKey");
      Objects.requireNonNull(explanation, "explanation");
      Objects.requireNonNull(sent, "sent");
    }
  }
}
