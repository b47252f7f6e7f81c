package dev.destill.core.store;

import dev.destill.core.engine.LineTemplates;
import dev.destill.core.model.JobInfo;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Baselines held in this process: each request registers how a failed job's baseline is read (a
 * loader), each job's templates are read once, on first use, and kept until the request is
 * forgotten. Local mode and tests use it; chunks need not name a template set. Thread-safe.
 */
public final class InMemoryBaselines implements Baselines {

  private record Request(
      Function<JobInfo, Optional<LineTemplates>> loader,
      Map<String, CompletableFuture<Optional<LineTemplates>>> templates) {}

  private final Map<String, Request> requests = new ConcurrentHashMap<>();

  /**
   * Request {@code requestId} compares failed jobs with what {@code loader} reads for them; the
   * loader reports its own failures (a baseline log that is gone) and returns empty for them.
   */
  public void register(String requestId, Function<JobInfo, Optional<LineTemplates>> loader) {
    requests.put(requestId, new Request(loader, new ConcurrentHashMap<>()));
  }

  @Override
  public Lookup templates(String requestId, JobInfo job, Optional<String> set) {
    Request r = requests.get(requestId);
    if (r == null || !job.failed()) {
      return Lookup.ABSENT;
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
      return f.join().<Lookup>map(Lookup.Found::new).orElse(Lookup.ABSENT);
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException re ? re : e;
    }
  }

  /** Drops what the request held. */
  public void forget(String requestId) {
    requests.remove(requestId);
  }
}
