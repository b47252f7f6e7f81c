package dev.destill.core.provider;

import java.util.List;

/** The test reports of a job, and what could not be read (a zip bomb, a bad entry name). */
public record TestReports(List<TestReport> reports, List<String> warnings) {
  public static final TestReports NONE = new TestReports(List.of(), List.of());

  public TestReports {
    reports = List.copyOf(reports);
    warnings = List.copyOf(warnings);
  }
}
