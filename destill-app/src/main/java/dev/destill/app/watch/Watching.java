package dev.destill.app.watch;

import dev.destill.core.engine.Rules;
import dev.destill.core.stats.InMemoryStatsStore;
import dev.destill.core.stats.StatsSink;
import dev.destill.core.store.FindingStore;
import dev.destill.live.LiveIngest;
import dev.destill.live.LiveSettings;
import dev.destill.live.tail.FileWatch;
import dev.destill.live.window.Trigger;
import dev.destill.live.window.WindowAnalysis;
import dev.destill.live.window.WindowAnalyzer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;

/**
 * Composition root of {@code destill watch}: the files followed ({@link FileWatch}) into a live
 * ingestion of their own, whose windows are analyzed with the engine, stored in the history and
 * handed to {@code onAnalysis}. Thread-safe.
 */
public final class Watching implements AutoCloseable {
  /** How often the files are looked at. */
  public static final Duration POLL = Duration.ofMillis(250);

  /**
   * A window with no new line for this long is analyzed: short, since someone is looking at the
   * screen (a server's streams wait the live default).
   */
  public static final Duration QUIET = Duration.ofSeconds(2);

  /** Line counts are not asked for by watch; a bounded number is kept in memory. */
  private static final int MAX_COUNT_ROWS = 10_000;

  private final LiveIngest ingest;
  private final FileWatch watch;
  private final ScheduledExecutorService executor;

  private Watching(LiveIngest ingest, FileWatch watch, ScheduledExecutorService executor) {
    this.ingest = ingest;
    this.watch = watch;
    this.executor = executor;
  }

  /**
   * Starts following {@code specs}.
   *
   * @param store where the windows' analyses are stored; not closed by this
   * @param onAnalysis told of each analyzed window, on an ingestion thread
   * @param listener told of the files' events, on the polling thread
   */
  public static Watching start(
      List<FileWatch.Spec> specs,
      boolean fromStart,
      FindingStore store,
      Rules rules,
      Clock clock,
      Consumer<WindowAnalysis> onAnalysis,
      FileWatch.Listener listener) {
    LiveSettings defaults = LiveSettings.defaults();
    LiveSettings settings =
        defaults.withWindows(
            new dev.destill.live.window.WindowPolicy(
                defaults.windows().before(),
                defaults.windows().after(),
                defaults.windows().maxLines(),
                QUIET,
                defaults.windows().maxStreams(),
                defaults.windows().maxLineChars()));
    StatsSink stats = new InMemoryStatsStore(MAX_COUNT_ROWS);
    LiveIngest ingest =
        new LiveIngest(
            settings,
            store,
            stats,
            clock,
            new Trigger(rules),
            new WindowAnalyzer(rules),
            Objects.requireNonNull(onAnalysis, "onAnalysis"));
    FileWatch watch = new FileWatch(specs, fromStart, ingest, clock, listener);
    ScheduledExecutorService executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("destill-watch").daemon().unstarted(r));
    watch.start(executor, POLL);
    return new Watching(ingest, watch, executor);
  }

  /** Files followed now. */
  public int files() {
    return watch.files();
  }

  /**
   * Stops reading, then analyzes what is left: the last line without a newline, the open windows.
   * Their analyses reach {@code onAnalysis} before this returns.
   */
  @Override
  public void close() {
    watch.close();
    executor.shutdownNow();
    ingest.stop(Duration.ofSeconds(10));
  }
}
