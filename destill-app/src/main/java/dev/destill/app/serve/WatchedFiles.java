package dev.destill.app.serve;

import dev.destill.app.rules.UserRules;
import dev.destill.app.wiring.Services;
import dev.destill.core.engine.Rules;
import dev.destill.core.stats.InMemoryStatsStore;
import dev.destill.core.store.FindingStore;
import dev.destill.live.LiveIngest;
import dev.destill.live.LiveSettings;
import dev.destill.live.tail.FileWatch;
import dev.destill.live.window.Trigger;
import dev.destill.live.window.WindowAnalyzer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The files {@code destill serve --watch GLOB} follows: each file one live stream, its windows
 * analyzed by the engine and stored in the history as {@code live:file/PATH} analyses, which the
 * API lists with the others. Files there at start are read from their end, files that appear later
 * whole. Thread-safe.
 */
final class WatchedFiles implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WatchedFiles.class);

  /** How often the files and folders are looked at. */
  static final Duration POLL = Duration.ofMillis(500);

  /** Line counts of the watched files, bounded; nothing in one-process serve asks for them yet. */
  private static final int MAX_COUNT_ROWS = 10_000;

  // The history of an ingestion of its own, which it stops; empty: the server's live ingestion.
  private final java.util.Optional<FindingStore> own;
  private final LiveIngest ingest;
  private final FileWatch watch;
  private final ScheduledExecutorService executor;

  private WatchedFiles(
      java.util.Optional<FindingStore> own,
      LiveIngest ingest,
      FileWatch watch,
      ScheduledExecutorService executor) {
    this.own = own;
    this.ingest = ingest;
    this.watch = watch;
    this.executor = executor;
  }

  /**
   * Starts following {@code globs} into an ingestion of its own over the history.
   *
   * @throws dev.destill.core.DestillException.BadInput when a glob has a pattern in a folder
   */
  static WatchedFiles start(Services services, List<String> globs) {
    List<FileWatch.Spec> specs = specs(globs);
    Rules rules = UserRules.rules(UserRules.files(services.settings().configDir(), Path.of("")));
    FindingStore store = services.openHistory();
    LiveIngest ingest =
        new LiveIngest(
            LiveSettings.defaults(),
            store,
            new InMemoryStatsStore(MAX_COUNT_ROWS),
            services.clock(),
            new Trigger(rules),
            new WindowAnalyzer(rules),
            a -> LOG.info("{}: {} findings", a.requestId(), a.findings().size()));
    return start(java.util.Optional.of(store), ingest, specs, services);
  }

  /**
   * Starts following {@code globs} into the server's live ingestion {@code shared}: windows are
   * stored and lines counted where the other live sources' go.
   *
   * @throws dev.destill.core.DestillException.BadInput when a glob has a pattern in a folder
   */
  static WatchedFiles start(Services services, List<String> globs, LiveIngest shared) {
    return start(java.util.Optional.empty(), shared, specs(globs), services);
  }

  private static List<FileWatch.Spec> specs(List<String> globs) {
    List<FileWatch.Spec> specs = new ArrayList<>();
    for (String g : globs) {
      specs.add(FileWatch.Spec.parse(g));
    }
    return specs;
  }

  private static WatchedFiles start(
      java.util.Optional<FindingStore> own,
      LiveIngest ingest,
      List<FileWatch.Spec> specs,
      Services services) {
    FileWatch watch =
        new FileWatch(
            specs,
            false,
            ingest,
            services.clock(),
            new FileWatch.Listener() {
              @Override
              public void failed(String file, String message) {
                LOG.warn("watched file {}: {}", file, message);
              }
            });
    ScheduledExecutorService executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("destill-serve-watch").daemon().unstarted(r));
    watch.start(executor, POLL);
    return new WatchedFiles(own, ingest, watch, executor);
  }

  /** Files followed now. */
  int files() {
    return watch.files();
  }

  /** Stops reading, analyzes and stores the open windows within {@code deadline}. */
  void stop(Duration deadline) {
    watch.close();
    executor.shutdownNow();
    own.ifPresent(
        store -> {
          ingest.stop(deadline);
          store.close();
        });
  }

  @Override
  public void close() {
    stop(Duration.ofSeconds(5));
  }
}
