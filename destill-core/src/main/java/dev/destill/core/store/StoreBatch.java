package dev.destill.core.store;

import dev.destill.core.model.Finding;
import dev.destill.core.model.RequestEvent;
import java.util.List;
import java.util.Objects;

/**
 * What a sink consumed since its last commit, written to a store in one transaction.
 *
 * @param findings findings with the request they belong to, in the order consumed
 * @param events request events, in the order consumed
 */
public record StoreBatch(List<RequestFinding> findings, List<RequestEvent> events) {
  public StoreBatch {
    findings = List.copyOf(findings);
    events = List.copyOf(events);
  }

  public boolean isEmpty() {
    return findings.isEmpty() && events.isEmpty();
  }

  /** A finding of request {@code requestId}. */
  public record RequestFinding(String requestId, Finding finding) {
    public RequestFinding {
      Objects.requireNonNull(requestId, "requestId");
      Objects.requireNonNull(finding, "finding");
    }
  }
}
