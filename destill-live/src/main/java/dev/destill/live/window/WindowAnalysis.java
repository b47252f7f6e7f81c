package dev.destill.live.window;

import dev.destill.core.model.Finding;
import dev.destill.core.store.StoreBatch;
import java.util.List;
import java.util.Objects;

/**
 * A window analyzed: the request it is stored as and what the engine found in it.
 *
 * @param requestId the id of the stored analysis
 * @param window the window
 * @param findings the ranked findings
 * @param batch what is applied to the store: the request's events and its findings
 */
public record WindowAnalysis(
    String requestId, Window window, List<Finding> findings, StoreBatch batch) {
  public WindowAnalysis {
    Objects.requireNonNull(requestId, "requestId");
    Objects.requireNonNull(window, "window");
    Objects.requireNonNull(batch, "batch");
    findings = List.copyOf(findings);
  }
}
