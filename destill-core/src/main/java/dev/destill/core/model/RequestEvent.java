package dev.destill.core.model;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What happened to a request, as the sink applies it to a store. Every event is idempotent:
 * applying it twice, or events of one request in another order, leaves the same state.
 */
public sealed interface RequestEvent {
  String requestId();

  /** The request was submitted: what to analyze. */
  record Submitted(String requestId, String target, Instant at) implements RequestEvent {
    public Submitted {
      Objects.requireNonNull(requestId, "requestId");
      Objects.requireNonNull(target, "target");
      Objects.requireNonNull(at, "at");
    }
  }

  /**
   * The ingest agent resolved the build. {@code project} scopes recurrence (a repository, a
   * pipeline, a folder of local logs); it is {@link Projects#of derived} from the build id unless
   * given.
   */
  record Resolved(String requestId, String buildId, String title, String project)
      implements RequestEvent {
    public Resolved {
      Objects.requireNonNull(requestId, "requestId");
      Objects.requireNonNull(buildId, "buildId");
      Objects.requireNonNull(title, "title");
      Objects.requireNonNull(project, "project");
      if (project.isBlank()) {
        project = Projects.of(buildId);
      }
    }

    public Resolved(String requestId, String buildId, String title) {
      this(requestId, buildId, title, "");
    }
  }

  /**
   * The baseline the request's failed jobs are compared with: the passing build or file used
   * ({@code source}, empty when none was found) and how it was chosen or why there is none.
   */
  record BaselineChosen(String requestId, java.util.Optional<String> source, String note)
      implements RequestEvent {
    public BaselineChosen {
      Objects.requireNonNull(requestId, "requestId");
      Objects.requireNonNull(source, "source");
      Objects.requireNonNull(note, "note");
    }
  }

  /** One job's log was cut into chunks and published (or the job had no log). */
  record JobIngested(String requestId, JobRecord job) implements RequestEvent {
    public JobIngested {
      Objects.requireNonNull(requestId, "requestId");
      Objects.requireNonNull(job, "job");
    }
  }

  /** Every job was ingested: the request has {@code chunksTotal} chunks in all. */
  record Ingested(String requestId, int chunksTotal, List<String> warnings)
      implements RequestEvent {
    public Ingested {
      Objects.requireNonNull(requestId, "requestId");
      warnings = List.copyOf(warnings);
      if (chunksTotal < 0) {
        throw new IllegalArgumentException("chunksTotal must not be negative");
      }
    }
  }

  /**
   * A chunk was analyzed; its findings precede this event. {@code novelty} counts the lines it owns
   * against the job's baseline, when it was compared with one.
   */
  record ChunkAnalyzed(
      String requestId,
      ChunkRecord chunk,
      List<String> warnings,
      java.util.Optional<LineNovelty> novelty)
      implements RequestEvent {
    public ChunkAnalyzed {
      Objects.requireNonNull(requestId, "requestId");
      Objects.requireNonNull(chunk, "chunk");
      Objects.requireNonNull(novelty, "novelty");
      warnings = List.copyOf(warnings);
    }

    /** A chunk compared with no baseline. */
    public ChunkAnalyzed(String requestId, ChunkRecord chunk, List<String> warnings) {
      this(requestId, chunk, warnings, java.util.Optional.empty());
    }

    public String jobId() {
      return chunk.jobId();
    }

    public int index() {
      return chunk.index();
    }
  }

  /**
   * A part of the request could not be read or analyzed (a log cut short after its retries, a chunk
   * dead-lettered): the request still finishes, as {@link RequestStatus#INCOMPLETE}, with {@code
   * reason} among its warnings. {@code part} names the part, so that a replay adds nothing.
   */
  record Incomplete(String requestId, String part, String reason) implements RequestEvent {
    public Incomplete {
      Objects.requireNonNull(requestId, "requestId");
      Objects.requireNonNull(part, "part");
      Objects.requireNonNull(reason, "reason");
    }
  }

  /** The request cannot be completed. */
  record Failed(String requestId, String error) implements RequestEvent {
    public Failed {
      Objects.requireNonNull(requestId, "requestId");
      Objects.requireNonNull(error, "error");
    }
  }
}
