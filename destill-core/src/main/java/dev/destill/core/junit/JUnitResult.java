package dev.destill.core.junit;

import dev.destill.core.model.Finding;
import java.util.List;

/** The failures of one JUnit report, and warnings about what could not be read. */
public record JUnitResult(List<Finding> findings, int testCases, List<String> warnings) {
  public JUnitResult {
    findings = List.copyOf(findings);
    warnings = List.copyOf(warnings);
  }
}
