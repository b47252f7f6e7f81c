package dev.destill.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.destill.core.model.Severity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RulesTest {

  private static Match match(String line) {
    return Rules.classify(line, false).orElseThrow(() -> new AssertionError("no match: " + line));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "--- FAIL: TestSimulation (10.06s)|TEST_FAILURE",
        "FAILED tests/test_invoice.py::test_total - AssertionError|TEST_FAILURE",
        "E       AssertionError: assert 1 == 2|TEST_FAILURE",
        "Tests run: 3, Failures: 1, Errors: 0, Skipped: 0, Time elapsed: 0.2 s <<< FAILURE! - in a.FooTest|TEST_FAILURE",
        "  \u25cf Cart \u203a removes the last item|TEST_FAILURE",
        "CartTest > removesLastItem() FAILED|TEST_FAILURE",
        "src/main.c:12:5: error: expected ';' before 'return'|DIAGNOSTIC",
        "[ERROR] /w/src/main/java/A.java:[87,29] cannot find symbol|DIAGNOSTIC",
        "error[E0308]: mismatched types|DIAGNOSTIC",
        "src/app.ts(3,7): error TS2322: Type 'string' is not assignable|DIAGNOSTIC",
        "panic: runtime error: index out of range [3] with length 3|CRASH",
        "Traceback (most recent call last):|CRASH",
        "java.lang.IllegalStateException: connection pool exhausted|CRASH",
        "Segmentation fault (core dumped)|CRASH",
        "ERROR: no certificate subject alternative name matches|ERROR",
        "npm ERR! 404 Not Found - GET https://registry.npmjs.org/left-padd|ERROR",
        "##[error]Process completed with exit code 1.|CONSEQUENCE",
        "The command \"mvn test\" exited with 1.|CONSEQUENCE",
        "[INFO] BUILD FAILURE|CONSEQUENCE",
        "make: *** [Makefile:12: all] Error 2|CONSEQUENCE",
      })
  void shouldRecognizeKind(String line, Kind kind) {
    assertThat(match(line).kind()).isEqualTo(kind);
  }

  @Test
  void shouldRankConsequencesBelowCauses() {
    assertThat(match("##[error]Process completed with exit code 1.").score())
        .isLessThan(match("src/main.c:12:5: error: expected ';'").score());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Tests run: 12, Failures: 0, Errors: 0, Skipped: 0",
        "Found 0 errors.",
        "WARNING: connection reset by peer, retrying (attempt 2 of 5)",
      })
  void shouldTurnDownNoise(String line) {
    assertThat(Rules.classify(line, false)).isEmpty();
  }

  @Test
  void shouldPenalizeDeprecationsAndEchoedCommands() {
    assertThat(match("error: foo is deprecated, use bar").score())
        .isLessThan(match("error: foo is broken").score());
    assertThat(Rules.classify("$ grep -i error build.log", false)).as("echoed").isEmpty();
    Match grep = match("grep -i error build.log");
    assertThat(grep.signals()).contains("grep-like");
    assertThat(grep.score())
        .isLessThan(match("error: build.log is broken").score())
        .isLessThan(0.4);
  }

  @Test
  void shouldGiveUpOnARegexThatBacktracksPastItsBudget() {
    // Polynomial backtracking (4000^4 tries) no regex engine shortcut avoids: hours without a
    // budget.
    java.util.regex.Pattern evil = java.util.regex.Pattern.compile(".*.*.*.*y");
    String line = "x".repeat(4000);
    long start = System.nanoTime();
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> Rules.find(evil, line, System.nanoTime() + 50_000_000L))
        .isInstanceOf(BoundedText.Expired.class);
    assertThat(System.nanoTime() - start)
        .as("stopped soon after the budget")
        .isLessThan(5_000_000_000L);
    // A normal line is matched as before.
    assertThat(
            Rules.find(
                java.util.regex.Pattern.compile("err(or)?"),
                "an error",
                System.nanoTime() + 50_000_000L))
        .isTrue();
  }

  @Test
  void shouldTreatWarningsAsWarnings() {
    assertThat(match("warning: unused variable 'x'").severity()).isEqualTo(Severity.WARNING);
  }

  @Test
  void shouldUseRedColourAsAWeakSignal() {
    assertThat(Rules.classify("    something odd happened 54ms", false)).isEmpty();
    assertThat(Rules.classify("    something odd happened 54ms", true)).isPresent();
  }

  @Test
  void shouldTurnDownPassingTestLines() {
    assertThat(Rules.classify("PASS src/utils/handled-error.test.js", false)).isEmpty();
    assertThat(Rules.classify("\u2713 throws an error if no integrity found (7 ms)", false))
        .isEmpty();
    assertThat(Rules.classify("--- PASS: TestRetryBackoff/returns_error (0.00s)", false)).isEmpty();
    assertThat(Rules.classify("Tests run: 12, Failures: 0, Errors: 0, Skipped: 1", false))
        .isEmpty();
  }

  @Test
  void shouldNotPenalizeTestNamesForWordsThatMarkHandledErrorsElsewhere() {
    Match test = match("\u25cf config get reads npm options but ignores other settings");
    assertThat(test.signals()).doesNotContain("handled");
    assertThat(match("error: config value ignored").signals()).contains("handled");
  }

  @Test
  void shouldIgnoreOrdinaryLines() {
    assertThat(Rules.classify("[INFO] Compiling 42 source files", false)).isEmpty();
    assertThat(Rules.classify("", false)).isEmpty();
  }

  @Test
  void noErrorsPenaltyLeavesFailingSurefireSummariesAlone() {
    // Bug: "Errors: 0" inside a summary that counts failures took the no-errors penalty.
    Match summary = match("Tests run: 3, Failures: 1, Errors: 0");
    assertThat(summary.signals()).doesNotContain("no-errors");
    assertThat(summary.score()).isEqualTo(0.55);
    Match marked =
        match(
            "[ERROR] Tests run: 3, Failures: 1, Errors: 0, Skipped: 0 <<< FAILURE! - in a.FooTest");
    assertThat(marked.signals()).doesNotContain("no-errors");
    assertThat(marked.score()).isEqualTo(0.85);
    // A summary that counts nothing failed still takes it.
    assertThat(Rules.classify("Build finished with 0 errors", false)).isEmpty();
  }

  @Test
  void pytestSectionHeadersGetThroughThePrefilter() {
    // Bug: the prefilter dropped "_____ test_x _____" before the pytest-section rule saw it.
    String line = "________________________ test_login ________________________";
    assertThat(Prefilter.standard().matches(line)).isTrue();
    assertThat(match(line).signals()).first().isEqualTo("pytest-section");
  }

  @Test
  void echoedCommandsAndPassingPytestRowsAreNotErrors() {
    Rules.classify("$ ./run-tests.sh --fail-on-error", false)
        .ifPresent(m -> assertThat(Rules.standard().tierAlone(m)).isEqualTo(3));
    assertThat(Rules.classify("tests/test_errors.py ........ [100%]", false)).isEmpty();
  }
}
