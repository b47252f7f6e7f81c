package dev.destill.bench;

import dev.destill.core.engine.JobScan;
import dev.destill.core.engine.LogScanner;
import dev.destill.core.engine.ScanOptions;
import dev.destill.core.engine.Triage;
import dev.destill.core.model.Finding;
import dev.destill.core.model.JobInfo;
import dev.destill.core.model.JobState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
 * Single-thread engine throughput on a generated log (bench/run.sh generates them): the whole file
 * is in memory and fed to one {@link LogScanner} in 64 KiB slices, then ranked. MB/s = file size /
 * average time.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 3)
@Fork(
    value = 1,
    jvmArgs = {"-Xmx1g", "-XX:+UseSerialGC"})
public class ScannerBenchmark {
  static final int SLICE = 1 << 16;

  /** Path of the log, absolute or relative to the working directory. */
  @Param({"data/typical.log"})
  public String file;

  byte[] log;

  @Setup(Level.Trial)
  public void load() throws IOException {
    log = Files.readAllBytes(Path.of(file));
  }

  @Benchmark
  public JobScan scan() {
    return scan(log);
  }

  @Benchmark
  public List<Finding> scanAndRank() {
    return Triage.rank(List.of(scan(log)), List.of());
  }

  static JobScan scan(byte[] log) {
    LogScanner scanner = new LogScanner(JobInfo.of("job", JobState.FAILED), ScanOptions.defaults());
    for (int off = 0; off < log.length; off += SLICE) {
      scanner.accept(log, off, Math.min(SLICE, log.length - off));
    }
    return scanner.finish();
  }
}
