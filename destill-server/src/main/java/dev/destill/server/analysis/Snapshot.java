package dev.destill.server.analysis;

import dev.destill.core.model.Finding;
import java.util.List;
import java.util.Objects;

/**
 * Where one analysis is, as a client following it sees it.
 *
 * @param requestId the request id
 * @param status where it is
 * @param done units of work done so far: log chunks analyzed (distributed mode) or job logs read
 *     (one process)
 * @param total units of work in all, 0 while unknown
 * @param findings what was found so far, in arrival order, not ranked
 * @param error why it failed, empty otherwise
 */
public record Snapshot(
    String requestId, Status status, int done, int total, List<Finding> findings, String error) {
  public Snapshot {
    Objects.requireNonNull(requestId, "requestId");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(error, "error");
    findings = List.copyOf(findings);
  }
}
