package dev.destill.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ScannerBenchmarkTest {
  @Test
  void shouldScanWhatTheBenchmarkFeedsIt() {
    StringBuilder log = new StringBuilder();
    for (int i = 0; i < 20_000; i++) {
      log.append(
          i % 1000 == 0
              ? "ERROR: widget " + (char) ('a' + i / 1000) + " failed\n"
              : "ok line " + i + "\n");
    }
    ScannerBenchmark b = new ScannerBenchmark();
    b.log = log.toString().getBytes(StandardCharsets.UTF_8);
    assertThat(b.scan().lines()).isEqualTo(20_000);
    assertThat(b.scanAndRank()).hasSize(20);
  }
}
