package dev.destill.core.engine;

import dev.destill.core.model.Finding;
import dev.destill.core.model.FindingSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Test failures whose line only names a test while another finding of the same job holds why it
 * failed, from the test tools' documented output:
 *
 * <ul>
 *   <li>{@code go test -v} prints a parent test's {@code --- FAIL: TestA} above its subtests'
 *       results; a failed subtest {@code --- FAIL: TestA/case} carries the messages, and the parent
 *       failed only because it did.
 *   <li>{@code cargo test} prints {@code test name ... FAILED} while running, then the test's
 *       captured output (its panic message) under {@code ---- name stdout ----}.
 * </ul>
 *
 * Such a line ranks just below the finding with the detail. Pure and thread-safe.
 */
final class TestDetails {
  private static final Pattern GO_FAIL = Pattern.compile("^\\s*--- FAIL: (\\S+)");
  private static final Pattern CARGO_FAILED = Pattern.compile("^test (\\S+) \\.\\.\\. FAILED");
  private static final Pattern CARGO_OUTPUT = Pattern.compile("^---- (\\S+) std(?:out|err) ----$");
  static final String SIGNAL = "detail-elsewhere";

  private TestDetails() {}

  /** The findings of one job, those whose detail is elsewhere in the job lowered by the policy. */
  static List<Finding> demote(List<Finding> jobFindings, ScoringPolicy policy) {
    Set<String> goFailed = new HashSet<>();
    Set<String> cargoOutput = new HashSet<>();
    for (Finding f : jobFindings) {
      name(f, GO_FAIL).ifPresent(goFailed::add);
      name(f, CARGO_OUTPUT).ifPresent(cargoOutput::add);
    }
    if (goFailed.size() < 2 && cargoOutput.isEmpty()) {
      return jobFindings;
    }
    List<Finding> out = new ArrayList<>(jobFindings.size());
    for (Finding f : jobFindings) {
      out.add(hasDetailElsewhere(f, goFailed, cargoOutput) ? lowered(f, policy) : f);
    }
    return out;
  }

  private static boolean hasDetailElsewhere(
      Finding f, Set<String> goFailed, Set<String> cargoOutput) {
    Optional<String> parent = name(f, GO_FAIL);
    if (parent.isPresent()) {
      String prefix = parent.get() + "/";
      for (String name : goFailed) {
        if (name.startsWith(prefix)) {
          return true;
        }
      }
      return false;
    }
    return name(f, CARGO_FAILED).filter(cargoOutput::contains).isPresent();
  }

  private static Finding lowered(Finding f, ScoringPolicy policy) {
    List<String> signals = new ArrayList<>(f.signals());
    signals.add(SIGNAL);
    double c = Math.max(0.01, f.confidence() - policy.detailElsewherePenalty());
    return f.withConfidence(LogScanner.round(c)).withSignals(signals);
  }

  private static Optional<String> name(Finding f, Pattern p) {
    if (f.source() != FindingSource.LOG || Role.of(f) != Role.CAUSE) {
      return Optional.empty();
    }
    Matcher m = p.matcher(LineCleaner.stripPrefix(f.message()));
    return m.find() ? Optional.of(m.group(1)) : Optional.empty();
  }
}
