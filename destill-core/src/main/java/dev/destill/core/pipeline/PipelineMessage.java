package dev.destill.core.pipeline;

import dev.destill.core.model.Finding;
import dev.destill.core.model.JobInfo;
import dev.destill.core.model.RequestEvent;
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

  /** Analyze a build: one build URL, or local paths that together form one build. */
  record AnalysisRequest(String requestId, List<String> targets, Instant submitted)
      implements PipelineMessage {
    public AnalysisRequest {
      Objects.requireNonNull(requestId, "requestId");
      Objects.requireNonNull(submitted, "submitted");
      targets = List.copyOf(targets);
      if (targets.isEmpty()) {
        throw new IllegalArgumentException("a request needs at least one target");
      }
    }

    /** The targets as the user gave them, for display. */
    public String input() {
      return String.join(" ", targets);
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
      byte[] data)
      implements PipelineMessage {
    public LogChunk {
      Objects.requireNonNull(requestId, "requestId");
      Objects.requireNonNull(buildId, "buildId");
      Objects.requireNonNull(job, "job");
      Objects.requireNonNull(data, "data");
      if (index < 0
          || (total != 0 && total <= index)
          || firstLine < 1
          || ownFrom < firstLine
          || ownTo < ownFrom) {
        throw new IllegalArgumentException("inconsistent chunk geometry");
      }
    }

    /** True for the job's last chunk. */
    public boolean isLast() {
      return index == total - 1;
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
}
