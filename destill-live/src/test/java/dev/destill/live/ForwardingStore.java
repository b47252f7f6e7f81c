package dev.destill.live;

import dev.destill.core.model.ChunkRecord;
import dev.destill.core.model.Finding;
import dev.destill.core.model.History;
import dev.destill.core.model.JobRecord;
import dev.destill.core.store.FindingStore;
import dev.destill.core.store.RecurringFailure;
import dev.destill.core.store.RequestRecord;
import dev.destill.core.store.StoreBatch;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A store that hands every call to another; tests override what they watch. */
public class ForwardingStore implements FindingStore {
  private final FindingStore inner;

  public ForwardingStore(FindingStore inner) {
    this.inner = inner;
  }

  @Override
  public void apply(StoreBatch batch) {
    inner.apply(batch);
  }

  @Override
  public Optional<RequestRecord> request(String requestId) {
    return inner.request(requestId);
  }

  @Override
  public List<Finding> findings(String requestId) {
    return inner.findings(requestId);
  }

  @Override
  public List<JobRecord> jobs(String requestId) {
    return inner.jobs(requestId);
  }

  @Override
  public java.util.Optional<dev.destill.core.store.BaselineRecord> baseline(String requestId) {
    return inner.baseline(requestId);
  }

  @Override
  public List<ChunkRecord> chunks(String requestId) {
    return inner.chunks(requestId);
  }

  @Override
  public List<RequestRecord> recentRequests(int limit) {
    return inner.recentRequests(limit);
  }

  @Override
  public List<String> requestIds(String prefix, int limit) {
    return inner.requestIds(prefix, limit);
  }

  @Override
  public Map<String, History> history(
      Collection<String> hashes, String excludingBuildId, String project, int window) {
    return inner.history(hashes, excludingBuildId, project, window);
  }

  @Override
  public List<RecurringFailure> recurringFailures(int limit) {
    return inner.recurringFailures(limit);
  }

  @Override
  public void close() {
    inner.close();
  }
}
