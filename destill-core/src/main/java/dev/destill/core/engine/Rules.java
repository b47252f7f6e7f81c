package dev.destill.core.engine;

import dev.destill.core.model.Severity;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The detection and scoring rules: which lines are candidates (permissive, for recall), and how
 * confident each one is (precise: boosts and penalties). Pure and thread-safe.
 *
 * <p>{@link #PREFILTER_KEYWORDS} is the single list of byte-level keywords a line must contain to
 * reach the rules at all; every rule below must need at least one of them.
 */
public final class Rules {

  /**
   * Lower-case ASCII keywords; a line that contains none of them (case-insensitively) is never a
   * candidate. Keep in sync with the rules: the prefilter is what makes the engine fast.
   */
  public static final List<String> PREFILTER_KEYWORDS =
      List.of(
          "error", "err!", "fatal", "panic", "exception", "fail", "critical", "traceback",
          "segmentation fault", "core dumped", "killed", "out of memory", "oomkilled",
          "timed out", "timeout", "cannot", "can't", "could not", "couldn't", "unable to",
          "not found", "denied", "refused", "undefined", "assert", "exited with", "exit code",
          "exit status", "no such file", "expected", "abort", "warning", "--- fail", "\u25cf",
          "\u2717", "\u2716", "\u2718", "[31m", "[31;1m", "[1;31m", "[91m", "rspec ./",
          "not ok", "broken", "unresolved", "mismatch", "invalid", "missing", "violation",
          "crash", "unsatisfiable", "conflict", "rejected",
          "errno", "backoff", "evicted", "rake aborted", "make: ***", "npm err", "problems");

  private record Rule(String name, Pattern pattern, Kind kind, Severity severity, double score) {}

  private record Penalty(String name, Pattern pattern, double delta) {}

  private static Rule rule(String name, String regex, Kind kind, Severity severity, double score) {
    return new Rule(name, Pattern.compile(regex), kind, severity, score);
  }

  private static Penalty penalty(String name, String regex, double delta) {
    return new Penalty(name, Pattern.compile(regex), delta);
  }

  // Ordered: the first rule that matches decides kind, severity and base score.
  private static final List<Rule> RULES =
      List.of(
          // Consequences first: they contain error words but only repeat that something failed.
          rule("exit-summary", "(?i)^(?:error: )?process completed with exit code [1-9]\\d*",
              Kind.CONSEQUENCE, Severity.ERROR, 0.35),
          rule("travis-command-failed", "^The command \".*\" (?:exited with [1-9]\\d*|failed)",
              Kind.CONSEQUENCE, Severity.ERROR, 0.35),
          rule("build-failure", "(?i)^(?:\\[(?:ERROR|INFO)\\] )?(?:BUILD FAILURE|BUILD FAILED|FAILURE: Build failed)",
              Kind.CONSEQUENCE, Severity.ERROR, 0.3),
          rule("make-error", "^(?:g?make(?:\\[\\d+\\])?|ninja): \\*\\*\\*.*Error \\d+", Kind.CONSEQUENCE,
              Severity.ERROR, 0.3),
          rule("npm-lifecycle", "(?i)^npm ERR! (?:code ELIFECYCLE|errno \\d+|Exit status|Failed at the|"
              + "This is probably not a problem|A complete log|Test failed|command failed|\\s*$)",
              Kind.CONSEQUENCE, Severity.ERROR, 0.2),
          rule("yarn-command-failed", "(?i)^(?:error )?Command failed with exit code \\d+",
              Kind.CONSEQUENCE, Severity.ERROR, 0.3),
          rule("maven-help", "^\\[ERROR\\] (?:-> \\[Help|Re-run Maven|For more information|To see the full"
              + "|\\s*$|After correcting the problems|\\[Help \\d)", Kind.CONSEQUENCE, Severity.ERROR, 0.1),
          rule("exit-status", "(?i)\\b(?:exit(?:ed)? (?:with )?(?:code|status) [1-9]\\d*|returned a non-zero "
              + "(?:exit )?code|non-zero exit (?:code|status))", Kind.CONSEQUENCE, Severity.ERROR, 0.35),

          // Test runners.
          rule("go-test-fail", "^\\s*--- FAIL: \\S+", Kind.TEST_FAILURE, Severity.ERROR, 0.9),
          rule("pytest-failed", "^(?:FAILED|ERROR) \\S+::\\S+", Kind.TEST_FAILURE, Severity.ERROR, 0.9),
          rule("pytest-section", "^_{3,} (?:ERROR at \\w+ of )?\\S.* _{3,}$", Kind.TEST_FAILURE,
              Severity.ERROR, 0.8),
          rule("pytest-e", "^E {2,}\\S", Kind.TEST_FAILURE, Severity.ERROR, 0.85),
          rule("surefire-test", "<<< (?:FAILURE|ERROR)!", Kind.TEST_FAILURE, Severity.ERROR, 0.85),
          rule("surefire-summary", "^(?:\\[ERROR\\] )?Tests run: \\d+, Failures: \\d+, Errors: \\d+",
              Kind.TEST_FAILURE, Severity.ERROR, 0.55),
          rule("surefire-failed-tests", "^(?:\\[ERROR\\] )?(?:Failed tests|Tests in error):", Kind.TEST_FAILURE,
              Severity.ERROR, 0.8),
          rule("jest-console", "^\\s*\u25cf Console\\s*$", Kind.WARNING, Severity.WARNING, 0.05),
          rule("jest-bullet", "^\\s*\u25cf .+", Kind.TEST_FAILURE, Severity.ERROR, 0.85),
          rule("jest-fail-file", "^\\s*FAIL\\s+\\S+", Kind.TEST_FAILURE, Severity.ERROR, 0.75),
          rule("rspec-rerun", "^rspec \\./\\S+:\\d+", Kind.TEST_FAILURE, Severity.ERROR, 0.85),
          rule("rust-panicked", "^thread '.*' panicked at", Kind.CRASH, Severity.FATAL, 0.9),
          rule("cargo-result", "^test result: FAILED", Kind.TEST_FAILURE, Severity.ERROR, 0.55),
          rule("cargo-test-failed", "^test \\S+ \\.\\.\\. FAILED", Kind.TEST_FAILURE, Severity.ERROR, 0.85),
          rule("dotnet-failed", "^\\s*Failed \\S+ \\[[\\d.<> ]+m?s\\]", Kind.TEST_FAILURE, Severity.ERROR, 0.85),
          rule("phpunit-failures", "^There (?:was|were) \\d+ (?:failure|error)s?:", Kind.TEST_FAILURE,
              Severity.ERROR, 0.8),
          rule("scalatest-failed", "\\*\\*\\* FAILED \\*\\*\\*", Kind.TEST_FAILURE, Severity.ERROR, 0.85),
          rule("fail-prefix", "(?i)^fail(?:ed)?: \\S", Kind.TEST_FAILURE, Severity.ERROR, 0.75),
          rule("tap-not-ok", "^\\s*not ok \\d+", Kind.TEST_FAILURE, Severity.ERROR, 0.8),
          rule("mocha-failing", "^\\s*\\d+ failing\\s*$", Kind.TEST_FAILURE, Severity.ERROR, 0.6),
          rule("test-marker", "^\\s*(?:\u2717|\u2716|\u2718|\u00d7|\\[-\\]|\\[FAIL\\]|FAIL:) ?\\S",
              Kind.TEST_FAILURE, Severity.ERROR, 0.75),
          rule("assertion", "(?i)\\b(?:AssertionError|AssertionFailedError|assertion failed|ComparisonFailure|"
              + "expected:? .{0,200}\\bbut (?:was|got)|Expected .{0,200} (?:to|but) )", Kind.TEST_FAILURE,
              Severity.ERROR, 0.8),

          // Compilers and linters.
          rule("diag-file-line", "(?i)^\\s*[\\w./\\\\@+-]+\\.[A-Za-z]\\w{0,9}(?::\\d+(?::\\d+)?|\\(\\d+(?:,\\d+)?\\)):? "
              + "(?:fatal )?error\\b",
              Kind.DIAGNOSTIC, Severity.ERROR, 0.9),
          rule("maven-compile", "^\\[ERROR\\] \\S+\\.(?:java|kt|scala|groovy):\\[\\d+", Kind.DIAGNOSTIC,
              Severity.ERROR, 0.9),
          rule("rust-error", "^error(?:\\[E\\d+\\])?: ", Kind.DIAGNOSTIC, Severity.ERROR, 0.85),
          rule("ts-error", "(?i)\\berror (?:TS|CS|FS|BC)\\d{3,5}\\b", Kind.DIAGNOSTIC, Severity.ERROR, 0.9),
          rule("cannot-find-symbol", "(?i)cannot find symbol|undefined reference to|unresolved (?:reference|"
              + "import|external)|cannot find module|module not found|no module named|cannot resolve",
              Kind.DIAGNOSTIC, Severity.ERROR, 0.85),

          // Crashes and exceptions.
          rule("go-panic", "^panic: ", Kind.CRASH, Severity.FATAL, 0.9),
          rule("python-traceback", "^Traceback \\(most recent call last\\):", Kind.CRASH, Severity.ERROR, 0.85),
          rule("java-exception-thread", "^Exception in thread ", Kind.CRASH, Severity.ERROR, 0.85),
          rule("exception-class", "^(?:[\\w$]+\\.)*[\\w$]*(?:Exception|Error)(?::\\s.*|\\s*$)", Kind.CRASH,
              Severity.ERROR, 0.8),
          rule("segfault", "(?i)segmentation fault|core dumped|\\bSIGSEGV\\b|\\bSIGABRT\\b|bus error",
              Kind.CRASH, Severity.FATAL, 0.85),
          rule("oom", "(?i)out of memory|OutOfMemoryError|OOMKilled|\\bKilled\\s*$|cannot allocate memory|"
              + "heap space|exit code 137", Kind.CRASH, Severity.FATAL, 0.85),
          rule("rake-aborted", "^rake aborted!", Kind.CRASH, Severity.ERROR, 0.7),

          // Explicit levels.
          rule("fatal-level", "(?i)^(?:\\W{0,3})(?:fatal|panic|critical|crit)\\b[\\s:\\]!]", Kind.ERROR,
              Severity.FATAL, 0.85),
          rule("npm-err", "^npm ERR! ", Kind.ERROR, Severity.ERROR, 0.55),
          rule("error-level", "(?i)^(?:\\W{0,3})(?:error|err|e)\\b[\\s:\\]!|]|^\\[?error\\]?:?\\s", Kind.ERROR,
              Severity.ERROR, 0.75),
          rule("level-field", "(?i)\\b(?:level=|lvl=|\\[|\\s)(?:error|fatal|critical)(?:\\]|\\s|:)", Kind.ERROR,
              Severity.ERROR, 0.6),
          rule("command-not-found", "(?i)command not found|is not recognized as (?:the name|an internal)|"
              + "no such file or directory|permission denied|access denied|connection refused|"
              + "could not resolve host|unable to access|could not read from remote", Kind.ERROR,
              Severity.ERROR, 0.7),
          rule("dependency", "(?i)could not (?:resolve|find|transfer|download) (?:dependencies|artifact|"
              + "package|plugin|a version)|unsatisfiable|version conflict|no matching (?:version|distribution)|"
              + "failed to (?:resolve|download|fetch|install)", Kind.ERROR, Severity.ERROR, 0.75),
          rule("k8s", "(?i)CrashLoopBackOff|ImagePullBackOff|ErrImagePull|\\bEvicted\\b|FailedScheduling",
              Kind.ERROR, Severity.ERROR, 0.7),
          rule("timeout", "(?i)\\btimed out\\b|\\btimeout\\b(?: expired| exceeded| after|!|:)|deadline exceeded",
              Kind.ERROR, Severity.ERROR, 0.55),
          rule("failed-to", "(?i)\\b(?:failed to|unable to|cannot|can't|could not|couldn't) \\w+", Kind.ERROR,
              Severity.ERROR, 0.55),
          rule("error-word", "(?i)\\b(?:errors?|exception|fatal)\\b", Kind.ERROR, Severity.ERROR, 0.45),
          rule("failed-word", "(?i)\\b(?:failed|failure|failing|fails)\\b", Kind.ERROR, Severity.ERROR, 0.4),
          rule("warning", "(?i)^(?:\\W{0,3})(?:warning|warn)\\b|: warning\\b|\\[WARNING\\]", Kind.WARNING,
              Severity.WARNING, 0.12));

  private static final List<Penalty> PENALTIES =
      List.of(
          penalty("no-errors", "(?i)\\b(?:0|no|zero|without) (?:errors?|failures?|failed)\\b|"
              + "(?:errors?|failures?|failed)[=:]\\s*0\\b|Failures: 0, Errors: 0", -0.45),
          penalty("tests-passed", "(?i)\\b(?:all tests passed|tests? passed|\\d+ passed(?!.*\\d+ failed)|"
              + "\\bok\\b\\s+\\S+\\s+\\d|passed\\s*$)", -0.35),
          penalty("transient-retry", "(?i)\\b(?:retry(?:ing)?|retried|will retry|attempt \\d+(?:/| of )\\d+|"
              + "backing off|reconnect)", -0.3),
          penalty("address-in-use", "(?i)address already in use", -0.25),
          penalty("deprecation", "(?i)deprecat", -0.2),
          penalty("debug-level", "\\b(?:DEBUG|TRACE|INFO|dbg)\\b(?!\\])", -0.3),
          penalty("handled", "(?i)\\b(?:ignor(?:e|ed|ing)|handled|caught|expected (?:error|failure|exception)|"
              + "non-fatal|safe to ignore|can be ignored|allow(?:ed)?[_ -]failure|continue-on-error|"
              + "if-no-files-found)", -0.3),
          penalty("format-string", "%[sd]\\b|\\{\\d?\\}|\\$\\{[^}]*\\}", -0.2),
          penalty("comment", "^(?:#(?!#)|//|/\\*|\\* |<!--)", -0.25),
          penalty("help-text", "(?i)^\\s*-{1,2}[a-z][\\w-]*(?:[ =]<?\\w+>?)?\\s{2,}\\S|^usage:|\\[--", -0.3),
          penalty("echoed-command", "^(?:\\$ |\\+ |> |Run |\\[command\\])", -0.35),
          penalty("grep-like", "(?i)\\b(?:grep|egrep|rg|sed|awk|set -e|set \\+e|errexit|pipefail)\\b", -0.25),
          penalty("install-noise", "(?i)^(?:Collecting|Downloading|Downloaded|Installing|Unpacking|Setting up|"
              + "Selecting|Preparing|Get:\\d|Requirement already|Compiling|Building|Fetching|Resolving)\\b"
              + "|\\.(?:jar|pom|tgz|whl|deb|gem)\\b", -0.3),
          penalty("log-config", "(?i)(?:error|fail)[_.-]?(?:log|page|handler|prone|level|reporting|_?on_?)|"
              + "on[_-]?(?:error|failure)|stderr|-Werror|errorformat|error_reporting", -0.3));

  private Rules() {}

  /**
   * Classifies one line.
   *
   * @param visible the visible text (ANSI removed, CI timestamps and markers still present)
   * @param red whether the raw line was coloured red, a hint many tools give for errors
   * @return the match, or empty when the line is not a candidate
   */
  public static Optional<Match> classify(String visible, boolean red) {
    boolean ghError = visible.contains("##[error]");
    String text = LineCleaner.stripDecorations(visible);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    Rule hit = null;
    for (Rule rule : RULES) {
      if (rule.pattern.matcher(text).find()) {
        hit = rule;
        break;
      }
    }
    List<String> signals = new ArrayList<>(4);
    double score;
    Kind kind;
    Severity severity;
    if (hit != null) {
      score = hit.score;
      kind = hit.kind;
      severity = hit.severity;
      signals.add(hit.name);
    } else if (red || ghError) {
      // No rule, but the tool painted the line red or GitHub marked it as an error annotation.
      score = 0.4;
      kind = Kind.ERROR;
      severity = Severity.ERROR;
      signals.add(ghError ? "gh-error-annotation" : "red");
    } else {
      return Optional.empty();
    }
    if (kind != Kind.CONSEQUENCE) {
      if (ghError && hit != null) {
        score += 0.1;
        signals.add("gh-error-annotation");
      } else if (red && hit != null && kind != Kind.WARNING) {
        score += 0.05;
        signals.add("red");
      }
      for (Penalty p : PENALTIES) {
        if (p.pattern.matcher(text).find()) {
          score += p.delta;
          signals.add(p.name);
        }
      }
    }
    score = clamp(score);
    if (score < 0.05) {
      return Optional.empty();
    }
    return Optional.of(new Match(kind, severity, score, signals));
  }

  static double clamp(double v) {
    return Math.max(0.0, Math.min(1.0, v));
  }
}
