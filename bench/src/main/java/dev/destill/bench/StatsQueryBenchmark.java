package dev.destill.bench;

import dev.destill.core.stats.Level;
import dev.destill.core.stats.LineCount;
import dev.destill.core.stats.StatsQuery;
import dev.destill.core.stats.StatsReport;
import dev.destill.store.duckdb.DuckDbStatsStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The statistics queries of {@code GET /api/v1/stats} on a DuckDB file holding 24 hours of minute
 * buckets for 100 sources, each with 3 templates (INFO, WARN, ERROR): 432,000 rows. One report is
 * the totals, volume in hourly buckets, top 20 templates, spikes and new templates, of all sources
 * or of one.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(
    value = 1,
    jvmArgs = {"-Xmx1g"})
public class StatsQueryBenchmark {
  static final int SOURCES = 100;
  static final int MINUTES = 24 * 60;

  private Path dir;
  private DuckDbStatsStore store;
  private Instant now;

  @Setup
  public void fill() throws IOException {
    now = Instant.now().truncatedTo(ChronoUnit.MINUTES);
    dir = Files.createTempDirectory("destill-stats-bench");
    Clock clock = Clock.fixed(now, ZoneOffset.UTC);
    store = new DuckDbStatsStore(dir.resolve("bench.duckdb"), clock, Duration.ofDays(7));
    Level[] levels = {Level.INFO, Level.WARN, Level.ERROR};
    for (int m = 0; m < MINUTES; m++) {
      Instant minute = now.minus(MINUTES - m, ChronoUnit.MINUTES);
      List<LineCount> batch = new ArrayList<>(SOURCES * levels.length);
      for (int s = 0; s < SOURCES; s++) {
        for (int l = 0; l < levels.length; l++) {
          batch.add(
              new LineCount(
                  minute,
                  "service-" + s,
                  "pod-" + (s % 7),
                  levels[l],
                  "template " + l + " of service " + s + " took <n> ms",
                  l == 2 ? 1 + (m % 5) : 100 + (m % 50)));
        }
      }
      store.add(batch);
    }
    store.flush();
  }

  @TearDown
  public void close() throws IOException {
    store.close();
    try (var files = Files.list(dir)) {
      for (Path p : files.toList()) {
        Files.delete(p);
      }
    }
    Files.delete(dir);
  }

  @Benchmark
  public StatsReport allSources() {
    return StatsReport.of(
        store, StatsQuery.last(now, Duration.ofHours(24), Duration.ofHours(1), 20), now);
  }

  @Benchmark
  public StatsReport oneSource() {
    return StatsReport.of(
        store,
        StatsQuery.last(now, Duration.ofHours(24), Duration.ofMinutes(5), 20)
            .forSource("service-42"),
        now);
  }
}
