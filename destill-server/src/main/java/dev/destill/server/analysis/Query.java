package dev.destill.server.analysis;

import java.util.Objects;
import java.util.Optional;

/**
 * A page of recent analyses, newest first, filtered by the labels given (empty: any).
 *
 * @param offset how many matching analyses to skip
 * @param limit how many to return at most
 */
public record Query(
    String provider,
    String pipeline,
    String branch,
    Optional<Status> status,
    int offset,
    int limit) {
  public Query {
    Objects.requireNonNull(provider, "provider");
    Objects.requireNonNull(pipeline, "pipeline");
    Objects.requireNonNull(branch, "branch");
    Objects.requireNonNull(status, "status");
    if (offset < 0 || limit < 1) {
      throw new IllegalArgumentException("offset must be at least 0 and limit at least 1");
    }
  }

  /** True when {@code l} passes the filters (not the paging). */
  public boolean matches(Listing l) {
    return (provider.isEmpty() || provider.equals(l.labels().provider()))
        && (pipeline.isEmpty() || pipeline.equals(l.labels().pipeline()))
        && (branch.isEmpty() || branch.equals(l.labels().branch()))
        && status.map(s -> s == l.status()).orElse(true);
  }
}
