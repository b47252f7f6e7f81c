package dev.destill.core.explain;

import dev.destill.core.model.Finding;
import dev.destill.core.model.FindingSource;
import dev.destill.core.model.History;
import dev.destill.core.model.Severity;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

final class ExplainFixtures {
  private ExplainFixtures() {}

  static Finding finding(
      String id, String hash, int tier, String job, long line, List<String> block) {
    return finding(id, hash, tier, job, line, block, List.of(), List.of(), Optional.empty());
  }

  static Finding finding(
      String id,
      String hash,
      int tier,
      String job,
      long line,
      List<String> block,
      List<String> pre,
      List<String> post,
      Optional<History> history) {
    return new Finding(
        id,
        hash,
        Severity.ERROR,
        tier == 1 ? 0.9 : 0.5,
        tier,
        job,
        "Run tests",
        line,
        line + block.size() - 1,
        block.get(0),
        block.get(0),
        block,
        pre,
        post,
        1,
        FindingSource.LOG,
        Optional.empty(),
        List.of(),
        history);
  }

  static History seen(int n) {
    return new History(n, 20, Instant.EPOCH, Instant.EPOCH);
  }
}
