package dev.destill.core.store;

import dev.destill.core.engine.LineTemplates;
import dev.destill.core.engine.NoveltyScan;
import dev.destill.core.model.JobInfo;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Baselines held in this process: each request registers how a failed job's baseline is read (a
 * loader), each job's templates are read once, on first use, and kept until the request is
 * forgotten. Local mode and tests use it. Thread-safe.
 */
public final class InMemoryBaselines implements Baselines {

  private record Request(
      Function<JobInfo, Optional<LineTemplates>> loader,
      Map<String, CompletableFuture<Optional<LineTemplates>>> templates,
      Map<String, NoveltyScan.Counts> counts) {}

  private final Map<String, Request> requests = new ConcurrentHashMap<>();

  /**
   * Request {@code requestId} compares failed jobs with what {@code loader} reads for them; the
   * loader reports its own failures (a baseline log that is gone) and returns empty for them.
   */
  public void register(String requestId, Function<JobInfo, Optional<LineTemplates>> loader) {
    requests.put(
        requestId, new Request(loader, new ConcurrentHashMap<>(), new ConcurrentHashMap<>()));
  }

  @Override
  public Optional<LineTemplates> templates(String requestId, JobInfo job) {
    Request r = requests.get(requestId);
    if (r == null || !job.failed()) {
      return Optional.empty();
    }
    CompletableFuture<Optional<LineTemplates>> mine = new CompletableFuture<>();
    CompletableFuture<Optional<LineTemplates>> f = r.templates.putIfAbsent(job.name(), mine);
    if (f == null) {
      try {
        mine.complete(r.loader.apply(job));
      } catch (RuntimeException e) {
        mine.completeExceptionally(e);
      }
      f = mine;
    }
    try {
      return f.join();
    } catch (java.util.concurrent.CompletionException e) {
      throw e.getCause() instanceof RuntimeException re ? re : e;
    }
  }

  @Override
  public void counted(String requestId, String job, NoveltyScan.Counts counts) {
    Request r = requests.get(requestId);
    if (r != null) {
      r.counts.merge(job, counts, NoveltyScan.Counts::plus);
    }
  }

  /** Per job, the lines counted so far, in no particular order. */
  public Map<String, NoveltyScan.Counts> counts(String requestId) {
    Request r = requests.get(requestId);
    return r == null ? Map.of() : new LinkedHashMap<>(r.counts);
  }

  /** Drops what the request held. */
  public void forget(String requestId) {
    requests.remove(requestId);
  }
}
