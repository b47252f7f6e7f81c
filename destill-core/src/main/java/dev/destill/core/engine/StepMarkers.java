package dev.destill.core.engine;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Step markers of CI systems other than GitHub Actions, Travis and Buildkite (which {@link
 * LogScanner} reads from raw bytes): GitLab {@code section_start}, Jenkins Pipeline stages, Azure
 * Pipelines {@code ##[section]Starting:}, TeamCity {@code ##teamcity[blockOpened]} service
 * messages. Pure.
 */
final class StepMarkers {
  private static final Pattern GITLAB = Pattern.compile("section_start:\\d+:([\\w.-]+)");
  private static final Pattern JENKINS = Pattern.compile("^\\[Pipeline\\] \\{ \\((.+)\\)\\s*$");
  private static final Pattern AZURE = Pattern.compile("^##\\[section\\]Starting: (.+)$");
  private static final Pattern TEAMCITY =
      Pattern.compile("^##teamcity\\[(?:blockOpened|testSuiteStarted) name='([^']+)'");

  private StepMarkers() {}

  /** The name of the step that {@code text} (decorations removed) starts, if it starts one. */
  static Optional<String> stepName(String text) {
    if (text.length() < 8) {
      return Optional.empty();
    }
    char c = text.charAt(0);
    Pattern p =
        switch (c) {
          case 's' -> GITLAB;
          case '[' -> text.startsWith("[Pipeline] {") ? JENKINS : null;
          case '#' -> text.startsWith("##[section]") ? AZURE : TEAMCITY;
          default -> text.contains("section_start:") ? GITLAB : null;
        };
    if (p == null) {
      return Optional.empty();
    }
    Matcher m = p.matcher(text);
    return m.find() ? Optional.of(m.group(1).strip()) : Optional.empty();
  }
}
