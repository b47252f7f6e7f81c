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
          "error",
          "err!",
          "fatal",
          "panic",
          "exception",
          "fail",
          "critical",
          "traceback",
          "segmentation fault",
          "core dumped",
          "sigsegv",
          "sigabrt",
          "bus error",
          "killed",
          "out of memory",
          "oomkilled",
          "heap space",
          "exit code 137",
          "timed out",
          "timeout expired",
          "timeout exceeded",
          "timeout after",
          "timeout!",
          "timeout:",
          "deadline exceeded",
          "cannot",
          "can't",
          "could not",
          "couldn't",
          "unable to",
          "not found",
          "not recognized",
          "denied",
          "refused",
          "undefined reference",
          "unresolved",
          "no module named",
          "module not found",
          "assert",
          "exited with",
          "exit code",
          "exit status",
          "non-zero",
          "no such file",
          "expected",
          "--- fail",
          "\u25cf",
          "\u2717",
          "\u2716",
          "\u2718",
          "\u00d7",
          "[-]",
          "[31m",
          "[31;1m",
          "[1;31m",
          "[91m",
          "##[error]",
          "rspec ./",
          "not ok",
          "panicked",
          "unsatisfiable",
          "conflict",
          "no matching",
          "pullbackoff",
          "loopbackoff",
          "evicted",
          "errimagepull",
          "failedscheduling",
          "rake aborted",
          "make: ***",
          "npm err",
          "<<<",
          "there was 1",
          "there were",
          "failing",
          "warning:");

  // hints: lower-case substrings of which the line must contain one before the regex is tried;
  // one automaton pass over the line finds them all, so most regexes never run.
  // lower: the pattern was written case-insensitive and runs on the lower-cased line instead,
  // which Java's regex engine matches several times faster than with (?i).
  private record Rule(
      String name,
      List<String> hints,
      Pattern pattern,
      boolean lower,
      Kind kind,
      Severity severity,
      double score) {}

  private record Penalty(
      String name, List<String> hints, Pattern pattern, boolean lower, double delta) {}

  private static Rule rule(
      String name, List<String> hints, String regex, Kind kind, Severity severity, double score) {
    boolean lower = regex.startsWith("(?i)");
    return new Rule(name, hints, compile(regex), lower, kind, severity, score);
  }

  /**
   * Compiles a pattern; a {@code (?i)} one is lower-cased (escapes kept) to run on lower-cased
   * text.
   */
  static Pattern compile(String regex) {
    if (!regex.startsWith("(?i)")) {
      return Pattern.compile(regex);
    }
    String body = regex.substring(4);
    StringBuilder sb = new StringBuilder(body.length());
    for (int i = 0; i < body.length(); i++) {
      char c = body.charAt(i);
      if (c == '\\' && i + 1 < body.length()) {
        sb.append(c).append(body.charAt(++i));
      } else {
        sb.append(Character.toLowerCase(c));
      }
    }
    return Pattern.compile(sb.toString());
  }

  private static Penalty penalty(String name, List<String> hints, String regex, double delta) {
    return new Penalty(name, hints, compile(regex), regex.startsWith("(?i)"), delta);
  }

  // Ordered: the first rule that matches decides kind, severity and base score.
  private static final List<Rule> RULES =
      List.of(
          // Consequences first: they contain error words but only repeat that something failed.
          rule(
              "exit-summary",
              List.of("exit code"),
              "(?i)^(?:error: )?process completed with exit code [1-9]\\d*",
              Kind.CONSEQUENCE,
              Severity.ERROR,
              0.35),
          rule(
              "travis-command-failed",
              List.of("the command"),
              "^The command \".*\" (?:exited with [1-9]\\d*|failed)",
              Kind.CONSEQUENCE,
              Severity.ERROR,
              0.35),
          rule(
              "build-failure",
              List.of("build fail", "failure: build"),
              "(?i)^(?:\\[(?:ERROR|INFO)\\] )?(?:BUILD FAILURE|BUILD FAILED|FAILURE: Build failed)",
              Kind.CONSEQUENCE,
              Severity.ERROR,
              0.3),
          rule(
              "make-error",
              List.of("***"),
              "^(?:g?make(?:\\[\\d+\\])?|ninja): \\*\\*\\*.*Error \\d+",
              Kind.CONSEQUENCE,
              Severity.ERROR,
              0.3),
          rule(
              "npm-lifecycle",
              List.of("npm err!"),
              "(?i)^npm ERR! (?:code ELIFECYCLE|errno \\d+|Exit status|Failed at the|"
                  + "This is probably not a problem|A complete log|Test failed|command failed|\\s*$)",
              Kind.CONSEQUENCE,
              Severity.ERROR,
              0.2),
          rule(
              "yarn-command-failed",
              List.of("command failed"),
              "(?i)^(?:error )?Command failed with exit code \\d+",
              Kind.CONSEQUENCE,
              Severity.ERROR,
              0.3),
          rule(
              "maven-help",
              List.of("[error]"),
              "^\\[ERROR\\](?:\\s*$| (?:-> \\[Help|Re-run Maven|For more information|To see the full"
                  + "|After correcting the problems|\\[Help \\d))",
              Kind.CONSEQUENCE,
              Severity.ERROR,
              0.1),
          rule(
              "exit-status",
              List.of("exit", "non-zero"),
              "(?i)\\b(?:exit(?:ed)? (?:with )?(?:code|status) [1-9]\\d*|returned a non-zero "
                  + "(?:exit )?code|non-zero exit (?:code|status))",
              Kind.CONSEQUENCE,
              Severity.ERROR,
              0.35),

          // Test runners.
          rule(
              "go-test-fail",
              List.of("--- fail"),
              "^\\s*--- FAIL: \\S+",
              Kind.TEST_FAILURE,
              Severity.ERROR,
              0.9),
          rule(
              "pytest-failed",
              List.of("::"),
              "^(?:FAILED|ERROR) \\S+::\\S+",
              Kind.TEST_FAILURE,
              Severity.ERROR,
              0.9),
          rule(
              "pytest-section",
              List.of("___"),
              "^_{3,} (?:ERROR at \\w+ of )?\\S.* _{3,}$",
              Kind.TEST_FAILURE,
              Severity.ERROR,
              0.8),
          rule("pytest-e", List.of("e  "), "^E {2,}\\S", Kind.TEST_FAILURE, Severity.ERROR, 0.85),
          rule(
              "surefire-test",
              List.of("<<<"),
              "<<< (?:FAILURE|ERROR)!",
              Kind.TEST_FAILURE,
              Severity.ERROR,
              0.85),
          rule(
              "surefire-summary",
              List.of("tests run:"),
              "^(?:\\[(?:ERROR|INFO)\\] )?Tests run: \\d+, Failures: (?:[1-9]\\d*, Errors: \\d+|\\d+, Errors: [1-9])",
              Kind.TEST_FAILURE,
              Severity.ERROR,
              0.55),
          rule(
              "surefire-failed-tests",
              List.of("failed tests", "tests in error"),
              "^(?:\\[ERROR\\] )?(?:Failed tests|Tests in error):",
              Kind.TEST_FAILURE,
              Severity.ERROR,
              0.8),
          rule(
              "jest-console",
              List.of("●"),
              "^\\s*\u25cf Console\\s*$",
              Kind.WARNING,
              Severity.WARNING,
              0.05),
          rule(
              "jest-bullet",
              List.of("●"),
              "^\\s*\u25cf .+",
              Kind.TEST_FAILURE,
              Severity.ERROR,
              0.85),
          rule(
              "jest-fail-file",
              List.of("fail"),
              "^\\s*FAIL\\s+\\S+",
              Kind.TEST_FAILURE,
              Severity.ERROR,
              0.75),
          rule(
              "rspec-rerun",
              List.of("rspec ./"),
              "^rspec \\./\\S+:\\d+",
              Kind.TEST_FAILURE,
              Severity.ERROR,
              0.85),
          rule(
              "rust-panicked",
              List.of("panicked"),
              "^thread '.*' panicked at",
              Kind.CRASH,
              Severity.FATAL,
              0.9),
          rule(
              "cargo-result",
              List.of("test result"),
              "^test result: FAILED",
              Kind.TEST_FAILURE,
              Severity.ERROR,
              0.55),
          rule(
              "cargo-test-failed",
              List.of("... failed"),
              "^test \\S+ \\.\\.\\. FAILED",
              Kind.TEST_FAILURE,
              Severity.ERROR,
              0.85),
          rule(
              "dotnet-failed",
              List.of("failed"),
              "^\\s*Failed \\S+ \\[[\\d.<> ]+m?s\\]",
              Kind.TEST_FAILURE,
              Severity.ERROR,
              0.85),
          rule(
              "phpunit-failures",
              List.of("there w"),
              "^There (?:was|were) \\d+ (?:failure|error)s?:",
              Kind.TEST_FAILURE,
              Severity.ERROR,
              0.8),
          rule(
              "gradle-test-failed",
              List.of("failed"),
              "^\\S.*\\s>\\s.+\\sFAILED\\s*$",
              Kind.TEST_FAILURE,
              Severity.ERROR,
              0.85),
          rule(
              "scalatest-failed",
              List.of("*** failed"),
              "\\*\\*\\* FAILED \\*\\*\\*",
              Kind.TEST_FAILURE,
              Severity.ERROR,
              0.85),
          rule(
              "fail-prefix",
              List.of("fail"),
              "(?i)^fail(?:ed)?: \\S",
              Kind.TEST_FAILURE,
              Severity.ERROR,
              0.75),
          rule(
              "tap-not-ok",
              List.of("not ok"),
              "^\\s*not ok \\d+",
              Kind.TEST_FAILURE,
              Severity.ERROR,
              0.8),
          rule(
              "mocha-failing",
              List.of("failing"),
              "^\\s*\\d+ failing\\s*$",
              Kind.TEST_FAILURE,
              Severity.ERROR,
              0.6),
          rule(
              "test-marker",
              List.of("✗", "✖", "✘", "×", "[-]", "[fail]", "fail:"),
              "^\\s*(?:\u2717|\u2716|\u2718|\u00d7|\\[-\\]|\\[FAIL\\]|FAIL:) ?\\S",
              Kind.TEST_FAILURE,
              Severity.ERROR,
              0.75),
          rule(
              "assertion",
              List.of("assert", "comparisonfailure", "expected"),
              "(?i)\\b(?:AssertionError|AssertionFailedError|assertion failed|ComparisonFailure|"
                  + "expected:? .{0,200}\\bbut (?:was|got)|Expected .{0,200} (?:to|but) )",
              Kind.TEST_FAILURE,
              Severity.ERROR,
              0.8),

          // Compilers and linters.
          rule(
              "diag-file-line",
              List.of("error"),
              "(?i)^\\s*[\\w./\\\\@+-]+\\.[A-Za-z]\\w{0,9}(?::\\d+(?::\\d+)?|\\(\\d+(?:,\\d+)?\\)):? "
                  + "(?:fatal )?error\\b",
              Kind.DIAGNOSTIC,
              Severity.ERROR,
              0.9),
          rule(
              "maven-compile",
              List.of("[error]"),
              "^\\[ERROR\\] \\S+\\.(?:java|kt|scala|groovy):\\[\\d+",
              Kind.DIAGNOSTIC,
              Severity.ERROR,
              0.9),
          rule(
              "rust-error",
              List.of("error"),
              "^error(?:\\[E\\d+\\])?: ",
              Kind.DIAGNOSTIC,
              Severity.ERROR,
              0.85),
          rule(
              "ts-error",
              List.of("error "),
              "(?i)\\berror (?:TS|CS|FS|BC)\\d{3,5}\\b",
              Kind.DIAGNOSTIC,
              Severity.ERROR,
              0.9),
          rule(
              "cannot-find-symbol",
              List.of(
                  "cannot",
                  "undefined reference",
                  "unresolved",
                  "module not found",
                  "no module named"),
              "(?i)cannot find symbol|undefined reference to|unresolved (?:reference|"
                  + "import|external)|cannot find module|module not found|no module named|cannot resolve",
              Kind.DIAGNOSTIC,
              Severity.ERROR,
              0.85),

          // Crashes and exceptions.
          rule("go-panic", List.of("panic:"), "^panic: ", Kind.CRASH, Severity.FATAL, 0.9),
          rule(
              "python-traceback",
              List.of("traceback"),
              "^Traceback \\(most recent call last\\):",
              Kind.CRASH,
              Severity.ERROR,
              0.85),
          rule(
              "java-exception-thread",
              List.of("exception in thread"),
              "^Exception in thread ",
              Kind.CRASH,
              Severity.ERROR,
              0.85),
          rule(
              "exception-class",
              List.of("exception", "error"),
              "^(?:[\\w$]+\\.)*[\\w$]*(?:Exception|Error)(?::\\s.*|\\s*$)",
              Kind.CRASH,
              Severity.ERROR,
              0.8),
          rule(
              "segfault",
              List.of("segmentation", "core dumped", "sigsegv", "sigabrt", "bus error"),
              "(?i)segmentation fault|core dumped|\\bSIGSEGV\\b|\\bSIGABRT\\b|bus error",
              Kind.CRASH,
              Severity.FATAL,
              0.85),
          rule(
              "oom",
              List.of("memory", "oomkilled", "killed", "heap space", "137"),
              "(?i)out of memory|OutOfMemoryError|OOMKilled|\\bKilled\\s*$|cannot allocate memory|"
                  + "heap space|exit code 137",
              Kind.CRASH,
              Severity.FATAL,
              0.85),
          rule(
              "rake-aborted",
              List.of("rake aborted"),
              "^rake aborted!",
              Kind.CRASH,
              Severity.ERROR,
              0.7),

          // Explicit levels.
          rule(
              "fatal-level",
              List.of("fatal", "panic", "crit"),
              "(?i)^(?:\\W{0,3})(?:fatal|panic|critical|crit)\\b[\\s:\\]!]",
              Kind.ERROR,
              Severity.FATAL,
              0.85),
          rule("npm-err", List.of("npm err!"), "^npm ERR! ", Kind.ERROR, Severity.ERROR, 0.55),
          rule(
              "error-level",
              List.of("err", "e ", "e:", "e]", "e!", "e|", "e\t"),
              "(?i)^(?:\\W{0,3})(?:error|err|e)\\b[\\s:\\]!|]|^\\[?error\\]?:?\\s",
              Kind.ERROR,
              Severity.ERROR,
              0.75),
          rule(
              "level-field",
              List.of("error", "fatal", "critical"),
              "(?i)\\b(?:level=|lvl=|\\[|\\s)(?:error|fatal|critical)(?:\\]|\\s|:)",
              Kind.ERROR,
              Severity.ERROR,
              0.6),
          rule(
              "command-not-found",
              List.of(
                  "not found",
                  "not recognized",
                  "no such file",
                  "denied",
                  "refused",
                  "could not resolve host",
                  "unable to access",
                  "could not read"),
              "(?i)command not found|is not recognized as (?:the name|an internal)|"
                  + "no such file or directory|permission denied|access denied|connection refused|"
                  + "could not resolve host|unable to access|could not read from remote",
              Kind.ERROR,
              Severity.ERROR,
              0.7),
          rule(
              "dependency",
              List.of("could not", "unsatisfiable", "conflict", "no matching", "failed to"),
              "(?i)could not (?:resolve|find|transfer|download) (?:dependencies|artifact|"
                  + "package|plugin|a version)|unsatisfiable|version conflict|no matching (?:version|distribution)|"
                  + "failed to (?:resolve|download|fetch|install)",
              Kind.ERROR,
              Severity.ERROR,
              0.75),
          rule(
              "k8s",
              List.of("backoff", "errimagepull", "evicted", "failedscheduling"),
              "(?i)CrashLoopBackOff|ImagePullBackOff|ErrImagePull|\\bEvicted\\b|FailedScheduling",
              Kind.ERROR,
              Severity.ERROR,
              0.7),
          rule(
              "timeout",
              List.of("timed out", "timeout", "deadline"),
              "(?i)\\btimed out\\b|\\btimeout\\b(?: expired| exceeded| after|!|:)|deadline exceeded",
              Kind.ERROR,
              Severity.ERROR,
              0.55),
          rule(
              "failed-to",
              List.of("failed to", "unable to", "cannot", "can't", "could not", "couldn't"),
              "(?i)\\b(?:failed to|unable to|cannot|can't|could not|couldn't) \\w+",
              Kind.ERROR,
              Severity.ERROR,
              0.55),
          rule(
              "error-word",
              List.of("error", "exception", "fatal"),
              "(?i)\\b(?:errors?|exception|fatal)\\b",
              Kind.ERROR,
              Severity.ERROR,
              0.45),
          rule(
              "failed-word",
              List.of("fail"),
              "(?i)\\b(?:failed|failure|failing|fails)\\b",
              Kind.ERROR,
              Severity.ERROR,
              0.4),
          rule(
              "warning",
              List.of("warn"),
              "(?i)^(?:\\W{0,3})(?:warning|warn)\\b|: warning\\b|\\[WARNING\\]",
              Kind.WARNING,
              Severity.WARNING,
              0.12));

  private static final List<Penalty> PENALTIES =
      List.of(
          penalty(
              "no-errors",
              List.of(
                  "0 err", "0 fail", "no err", "no fail", "zero", "without", ": 0", "=0", "= 0"),
              "(?i)\\b(?:0|no|zero|without) (?:errors?|failures?|failed)\\b|"
                  + "(?:errors?|failures?|failed)[=:]\\s*0\\b|Failures: 0, Errors: 0",
              -0.45),
          penalty(
              "tests-passed",
              List.of("passed", "ok ", "ok\t"),
              "(?i)^(?!.*\\b\\d+ failed).*?(?:\\ball tests passed|\\btests? passed|\\b\\d+ passed|"
                  + "\\bok\\b\\s+\\S+\\s+\\d|passed\\s*$)",
              -0.35),
          penalty(
              "transient-retry",
              List.of("retr", "attempt", "backing off", "reconnect"),
              "(?i)\\b(?:retry(?:ing)?|retried|will retry|attempt \\d+(?:/| of )\\d+|"
                  + "backing off|reconnect)",
              -0.3),
          penalty(
              "address-in-use",
              List.of("address already in use"),
              "(?i)address already in use",
              -0.25),
          penalty("deprecation", List.of("deprecat"), "(?i)deprecat", -0.2),
          penalty(
              "debug-level",
              List.of("debug", "trace", "info", "dbg"),
              "\\b(?:DEBUG|TRACE|INFO|dbg)\\b(?!\\])",
              -0.3),
          penalty(
              "handled",
              List.of(
                  "ignor",
                  "handled",
                  "caught",
                  "expected",
                  "non-fatal",
                  "allow",
                  "continue-on-error",
                  "if-no-files-found"),
              "(?i)\\b(?:ignor(?:e|ed|ing)|handled|caught|expected (?:error|failure|exception)|"
                  + "non-fatal|safe to ignore|can be ignored|allow(?:ed)?[_ -]failure|continue-on-error|"
                  + "if-no-files-found)",
              -0.3),
          penalty(
              "format-string", List.of("%", "{", "$"), "%[sd]\\b|\\{\\d?\\}|\\$\\{[^}]*\\}", -0.2),
          penalty(
              "comment",
              List.of("#", "//", "/*", "* ", "<!--"),
              "^(?:#(?!#)|//|/\\*|\\* |<!--)",
              -0.25),
          penalty(
              "help-text",
              List.of("-", "usage:"),
              "(?i)^\\s*-{1,2}[a-z][\\w-]*(?:[ =]<?\\w+>?)?\\s{2,}\\S|^usage:|\\[--",
              -0.3),
          penalty(
              "echoed-command",
              List.of("$ ", "+ ", "> ", "run ", "[command]"),
              "^(?:\\$ |\\+ |> |Run |\\[command\\])",
              -0.35),
          penalty(
              "grep-like",
              List.of("grep", "rg ", "sed ", "awk ", "set -", "set +", "errexit", "pipefail"),
              "(?i)\\b(?:grep|egrep|rg|sed|awk|set -e|set \\+e|errexit|pipefail)\\b",
              -0.25),
          penalty(
              "install-noise",
              List.of(
                  "collecting",
                  "download",
                  "install",
                  "unpacking",
                  "setting up",
                  "selecting",
                  "preparing",
                  "get:",
                  "requirement",
                  "compiling",
                  "building",
                  "fetching",
                  "resolving",
                  ".jar",
                  ".pom",
                  ".tgz",
                  ".whl",
                  ".deb",
                  ".gem"),
              "(?i)^(?:Collecting|Downloading|Downloaded|Installing|Unpacking|Setting up|"
                  + "Selecting|Preparing|Get:\\d|Requirement already|Compiling|Building|Fetching|Resolving)\\b"
                  + "|\\.(?:jar|pom|tgz|whl|deb|gem)\\b",
              -0.3),
          penalty(
              "log-config",
              List.of(
                  "error_",
                  "error-",
                  "error.",
                  "errorlog",
                  "errorhandler",
                  "errorprone",
                  "errorlevel",
                  "errorformat",
                  "errorpage",
                  "fail_",
                  "fail-",
                  "failon",
                  "on_error",
                  "onerror",
                  "on-error",
                  "on_fail",
                  "onfail",
                  "on-fail",
                  "stderr",
                  "werror"),
              "(?i)(?:error|fail)[_.-]?(?:log|page|handler|prone|level|reporting|_?on_?)|"
                  + "on[_-]?(?:error|failure)|stderr|-Werror|errorformat|error_reporting",
              -0.3));

  // One automaton over every hint of every rule and penalty; group i is rule i, then penalties.
  private static final Prefilter HINTS = buildHints();

  private static Prefilter buildHints() {
    List<String> words = new ArrayList<>();
    List<Integer> groups = new ArrayList<>();
    for (int i = 0; i < RULES.size(); i++) {
      for (String h : RULES.get(i).hints()) {
        words.add(h);
        groups.add(i);
      }
    }
    for (int i = 0; i < PENALTIES.size(); i++) {
      for (String h : PENALTIES.get(i).hints()) {
        words.add(h);
        groups.add(RULES.size() + i);
      }
    }
    if (RULES.size() + PENALTIES.size() > 128) {
      throw new IllegalStateException("more than 128 rules and penalties");
    }
    return new Prefilter(words, groups.stream().mapToInt(Integer::intValue).toArray());
  }

  private static boolean has(long[] present, int group) {
    return (present[group >> 6] & (1L << (group & 63))) != 0;
  }

  /**
   * Lines that carry error words but are never a failure: test runners announcing or passing a
   * test, and summaries that count zero failures. They are the bulk of keyword lines in test
   * output, so they are turned down before any regex runs.
   */
  static boolean benign(String text) {
    if (text.startsWith("=== RUN")
        || text.startsWith("=== PAUSE")
        || text.startsWith("=== CONT")
        || text.startsWith("--- PASS")
        || text.startsWith("--- SKIP")
        || text.startsWith("PASSED ")
        || text.startsWith("PASS ")
        || text.startsWith("\u2713 ")
        || text.startsWith("\u221a ")
        || (text.startsWith("[ RUN ") && !text.contains("FAIL") && !text.contains("ERR"))
        || text.startsWith("[       OK ]")
        || text.startsWith("[  PASSED  ]")) {
      return true;
    }
    int tests = text.indexOf("Tests run: ");
    return tests >= 0 && text.indexOf(", Failures: 0, Errors: 0", tests) > 0;
  }

  /** The most characters of a line the rules look at. */
  public static final int MAX_MATCH_CHARS = 1024;

  private static final int PENALTY_CHARS = 256;

  private Rules() {}

  /**
   * Classifies one line.
   *
   * @param visible the visible text (ANSI removed, CI timestamps and markers still present)
   * @param red whether the raw line was coloured red, a hint many tools give for errors
   * @return the match, or empty when the line is not a candidate
   */
  public static Optional<Match> classify(String visible, boolean red) {
    try {
      return classify(visible, red, System.nanoTime() + LINE_BUDGET.toNanos());
    } catch (BoundedText.Expired e) {
      // A line whose matching outlasts its budget is not classified: one pathological line must
      // not stall its chunk. Such lines are counted.
      EXPIRED.increment();
      return Optional.empty();
    }
  }

  /**
   * How long the rules may take over one line; a normal line takes microseconds. Past it, the line
   * is left unclassified.
   */
  public static final java.time.Duration LINE_BUDGET = java.time.Duration.ofMillis(20);

  private static final java.util.concurrent.atomic.LongAdder EXPIRED =
      new java.util.concurrent.atomic.LongAdder();

  /** How many lines ran out of {@link #LINE_BUDGET} in this process so far. */
  public static long linesOverBudget() {
    return EXPIRED.sum();
  }

  /** Whether {@code pattern} finds a match in {@code text} before {@code deadline} (nanoTime). */
  static boolean find(java.util.regex.Pattern pattern, String text, long deadline) {
    return pattern.matcher(new BoundedText(text, deadline)).find();
  }

  private static Optional<Match> classify(String visible, boolean red, long deadline) {
    boolean ghError = visible.contains("##[error]");
    String text = LineCleaner.stripDecorations(visible);
    // Bounded input: no regex ever sees more than MAX_MATCH_CHARS of a line.
    if (text.length() > MAX_MATCH_CHARS) {
      text = text.substring(0, MAX_MATCH_CHARS);
    }
    if (text.isEmpty()) {
      return Optional.empty();
    }
    if (benign(text)) {
      return Optional.empty();
    }
    long[] present = HINTS.groups(text);
    String lower = text.toLowerCase(java.util.Locale.ROOT);
    Rule hit = null;
    for (int i = 0; i < RULES.size(); i++) {
      Rule rule = RULES.get(i);
      if (has(present, i) && find(rule.pattern, rule.lower ? lower : text, deadline)) {
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
      // Penalties judge what kind of line this is; its start says that.
      String head = text.length() > PENALTY_CHARS ? text.substring(0, PENALTY_CHARS) : text;
      String lowerHead = lower.length() > PENALTY_CHARS ? lower.substring(0, PENALTY_CHARS) : lower;
      for (int i = 0; i < PENALTIES.size(); i++) {
        Penalty p = PENALTIES.get(i);
        // A failed test's name describes behaviour ("ignores other settings", "handles errors"):
        // words that mark a handled error elsewhere say nothing here.
        if (kind == Kind.TEST_FAILURE
            && (p.name.equals("handled") || p.name.equals("log-config"))) {
          continue;
        }
        if (has(present, RULES.size() + i)
            && find(p.pattern, p.lower ? lowerHead : head, deadline)) {
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
