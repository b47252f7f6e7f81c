package dev.destill.core.store;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * An analysis request as stored.
 *
 * @param id the request id ({@code req-...})
 * @param target what was analyzed: a build URL or local path(s)
 * @param buildId the provider's stable build id, empty until known; recurrence counts builds by it
 * @param title a short human title
 * @param status where the request is
 * @param chunksTotal log chunks to analyze, 0 until known
 * @param chunksDone log chunks analyzed
 * @param findings findings stored so far
 * @param error why it failed, empty otherwise
 * @param created when it was submitted
 * @param updated when it last changed
 * @param warnings what the agents noted on the way (skipped jobs, truncated logs...), in arrival
 *     order
 */
public record RequestRecord(
    String id,
    String target,
    String buildId,
    String title,
    RequestStatus status,
    int chunksTotal,
    int chunksDone,
    int findings,
    String error,
    Instant created,
    Instant updated,
    List<String> warnings) {
  public RequestRecord {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(buildId, "buildId");
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(error, "error");
    Objects.requireNonNull(created, "created");
    Objects.requireNonNull(updated, "updated");
    warnings = List.copyOf(warnings);
  }
}
