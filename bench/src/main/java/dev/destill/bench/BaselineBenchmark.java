package dev.destill.bench;

import dev.destill.core.engine.LineTemplates;
import dev.destill.core.engine.LogScanner;
import dev.destill.core.engine.NoveltyScan;
import dev.destill.core.engine.ScanOptions;
import dev.destill.core.engine.ScoringPolicy;
import dev.destill.core.model.JobInfo;
import dev.destill.core.model.JobState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a baseline costs on one thread (bench/baseline.sh generates the logs): {@code build} reads
 * the baseline log into its templates, {@code compare} compares the failed log with them in chunks
 * the size the pipeline cuts, one memo for all of them as one analyze thread keeps it. C1 alone, as
 * the launcher runs a short command.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(
    value = 1,
    jvmArgs = {"-Xmx2g", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"})
public class BaselineBenchmark {
  static final int CHUNK = 512 * 1024;

  /** The failed log, absolute or relative to the working directory. */
  @Param({"data/typical.log"})
  public String file;

  /** The baseline log. */
  @Param({"data/baseline-200M.log"})
  public String baseline;

  byte[] log;
  byte[] passing;
  LineTemplates templates;

  @Setup(Level.Trial)
  public void load() throws IOException {
    log = Files.readAllBytes(Path.of(file));
    passing = Files.readAllBytes(Path.of(baseline));
    templates = build();
  }

  @Benchmark
  public LineTemplates build() {
    LineTemplates.Builder b = LineTemplates.builder();
    for (int off = 0; off < passing.length; off += CHUNK) {
      b.accept(passing, off, Math.min(CHUNK, passing.length - off));
    }
    return b.build();
  }

  @Benchmark
  public long compare() {
    LogScanner.LineCache cache = new LogScanner.LineCache();
    JobInfo job = JobInfo.of("job", JobState.FAILED);
    ScoringPolicy.Baseline policy = ScoringPolicy.DEFAULT.baseline();
    long known = 0;
    for (int off = 0; off < log.length; off += CHUNK) {
      NoveltyScan s = new NoveltyScan(job, templates, ScanOptions.defaults(), policy, cache);
      s.accept(log, off, Math.min(CHUNK, log.length - off));
      known += s.finish().counts().known();
    }
    return known;
  }
}
