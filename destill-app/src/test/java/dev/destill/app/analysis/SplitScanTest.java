package dev.destill.app.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.destill.core.engine.JobScan;
import dev.destill.core.engine.LogScanner;
import dev.destill.core.engine.ScanOptions;
import dev.destill.core.model.Finding;
import dev.destill.core.model.JobInfo;
import dev.destill.core.model.JobState;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SplitScanTest {
  @TempDir Path tmp;

  @Test
  void shouldFindTheSameFindingsAtTheSameLinesAsOneScan() throws Exception {
    StringBuilder log = new StringBuilder();
    for (int i = 1; i <= 40_000; i++) {
      if (i % 997 == 0) {
        log.append("java.lang.IllegalStateException: broken widget ")
            .append((char) ('a' + i % 26))
            .append((char) ('a' + i / 26 % 26))
            .append('\n');
        log.append("\tat com.acme.W.run(W.java:").append(i % 50).append(")\n");
        i++;
      } else {
        log.append("info: step ").append(i).append(" done fine\n");
      }
    }
    log.append("FATAL: last line without newline");
    Path file = tmp.resolve("big.log");
    Files.writeString(file, log, StandardCharsets.UTF_8);
    JobInfo job = JobInfo.of("big.log", JobState.FAILED);

    LogScanner one = new LogScanner(job, ScanOptions.defaults());
    byte[] bytes = Files.readAllBytes(file);
    one.accept(bytes, 0, bytes.length);
    JobScan whole = one.finish();

    for (int parts : new int[] {2, 3, 7}) {
      JobScan split = SplitScan.scan(file, job, parts);
      assertThat(split.lines()).isEqualTo(whole.lines());
      assertThat(split.bytes()).isEqualTo(bytes.length);
      assertThat(lines(split.findings())).as(parts + " parts").isEqualTo(lines(whole.findings()));
      assertThat(split.tail()).isEqualTo(whole.tail());
    }
  }

  private static List<String> lines(List<Finding> findings) {
    return findings.stream()
        .sorted(Comparator.comparingLong(Finding::line))
        .map(f -> f.line() + "-" + f.endLine() + " " + f.hash())
        .toList();
  }
}
