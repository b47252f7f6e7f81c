package dev.destill.core.store;

import dev.destill.core.engine.LineTemplates;
import dev.destill.core.model.JobInfo;
import java.util.Objects;

/**
 * Where the analyze agent finds the baseline a failed job is compared with: the line templates of
 * the paired job of a passing build. Implementations are thread-safe: chunks of one job are
 * analyzed at once.
 */
public interface Baselines {

  /** What a lookup found. */
  sealed interface Lookup {
    /** The job's baseline. */
    record Found(LineTemplates templates) implements Lookup {
      public Found {
        Objects.requireNonNull(templates, "templates");
      }
    }

    /** The request has no baseline, or the job has no pair in it. */
    record Absent() implements Lookup {}

    /**
     * The job has a baseline that could not be had (it did not arrive in time): the chunk is
     * analyzed without it, and {@code reason} says so, in one line for the user.
     */
    record Unavailable(String reason) implements Lookup {
      public Unavailable {
        Objects.requireNonNull(reason, "reason");
      }
    }

    Lookup ABSENT = new Absent();
  }

  /**
   * The templates of the baseline paired with {@code job} in request {@code requestId}. {@code set}
   * is what the chunk says: the template set of the request that was published for the job ahead of
   * it, so worth waiting for (empty: none was); an implementation whose request registered how to
   * read its baseline in this process needs no such word. The first call for a job may read or wait
   * for the templates; calls for the same job share the result.
   */
  Lookup templates(String requestId, JobInfo job, java.util.Optional<String> set);

  /** No request has a baseline. */
  Baselines NONE = (requestId, job, set) -> Lookup.ABSENT;
}
