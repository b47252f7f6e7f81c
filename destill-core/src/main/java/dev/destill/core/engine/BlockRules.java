package dev.destill.core.engine;

import java.util.regex.Pattern;

/**
 * Decides which lines after a finding's first line belong to the same block: stack frames, a
 * traceback's lines, a compiler's code excerpt, a test failure's assertion message. Pure.
 */
final class BlockRules {
  private static final Pattern FRAME =
      Pattern.compile(
          "^\\s*(?:at [\\w$.<>/]+[(.]|Caused by:|Suppressed:|\\.\\.\\. \\d+ (?:more|common frames)"
              + "|File \".*\", line \\d+|goroutine \\d+ \\[|created by |[\\w./-]+\\.go:\\d+"
              + "|\\d+: 0x[0-9a-f]+|#\\d+ 0x|from \\S+:\\d+:in |\\S+:\\d+:in `|stack traceback:)");
  private static final Pattern EXCERPT =
      Pattern.compile(
          "^\\s*(?:\\d+\\s*\\||\\|\\s|\\^|~+\\^?|-->|= (?:note|help):|note:|help:|\\.\\.\\.$)");
  private static final Pattern TEST_DETAIL =
      Pattern.compile(
          "^(?:E\\s|>\\s|\\+\\s|-\\s|Expected|Actual|expected|actual|but was|Received|received)");
  private static final Pattern EXCEPTION_LINE =
      Pattern.compile("^(?:[\\w$]+\\.)*[\\w$]*(?:Error|Exception|Exit|Interrupt|Failure)\\b.*");

  private static final Pattern GO_CALL =
      Pattern.compile("^[\\w./*()-]+\\(.{0,400}\\)(?: \\+0x[0-9a-f]+)?$");

  private static final Pattern PYTEST_SECTION = Pattern.compile("^_{3,} .+ _{3,}$");

  // A one-line header whose entries follow, often after a blank line: "Failures:", "There was 1
  // failure:", "Failed tests:", "failures:", "The following tests FAILED:", "2 failing".
  private static final Pattern HEADER =
      Pattern.compile(
          "^(?:\\[(?:ERROR|error)\\]\\s+)?(?:Failures:|failures:|Errors:|There (?:was|were) \\d+ "
              + "(?:failure|error)s?:|(?:Failed|FAILED) tests:|Tests in error:|The following tests"
              + " FAILED:|\\d+ failing|Summary of all failing tests|\\* What went wrong:|Failure:|Error:"
              + "|---- \\S+ std(?:out|err) ----)\\s*$");

  /** True when a block headed by {@code head} lists entries that follow it. */
  static boolean isHeader(String head) {
    return HEADER.matcher(head.strip()).matches();
  }

  private BlockRules() {}

  /**
   * True when {@code text} (decorations stripped) continues a block whose first line was {@code
   * head} and that has {@code size} lines so far.
   */
  static boolean continues(String head, String text, String previous) {
    if (isHeader(head)) {
      // Its entries run until two blank lines or the next header or summary rule.
      if (text.isBlank()) {
        return !previous.isBlank();
      }
      String t = text.strip();
      return !t.startsWith("===") && !t.startsWith("---") && !t.startsWith("* Try:");
    }
    boolean goPanic = head.startsWith("panic:");
    if (PYTEST_SECTION.matcher(head.strip()).matches()) {
      // A pytest failure section runs until the next section or summary rule.
      String t = text.strip();
      return !t.startsWith("___") && !t.startsWith("===");
    }
    if (head.startsWith("rake aborted!") && !text.isBlank()) {
      // Rake prints its error message and backtrace flush left after the header.
      return !text.startsWith("(See full trace");
    }
    if (head.startsWith("Execution failed for task ") && !text.isBlank()) {
      // Gradle prints the failed task's causes after it, each on a line starting with "> ".
      return text.startsWith("> ") || text.startsWith("   > ");
    }
    if (head.strip().startsWith("\u25cf ")) {
      // A Jest failure ("● suite › test") is followed by its indented message, Expected and
      // Received and the code excerpt, with single blank lines between them.
      return text.isBlank() ? !previous.isBlank() : indent(text) > indent(head);
    }
    if (text.isBlank()) {
      // A Go panic prints a blank line between its message and the goroutine dump.
      return goPanic && !previous.isBlank();
    }
    if (goPanic && (text.startsWith("[signal ") || GO_CALL.matcher(text).matches())) {
      return true;
    }
    if (FRAME.matcher(text).find() || EXCERPT.matcher(text).find()) {
      return true;
    }
    if (TEST_DETAIL.matcher(text).find() && !head.isEmpty()) {
      return true;
    }
    int headIndent = indent(head);
    int indent = indent(text);
    if (indent > headIndent) {
      return true;
    }
    // A Python traceback ends with its exception line, flush left.
    if (head.startsWith("Traceback") && EXCEPTION_LINE.matcher(text).matches()) {
      return true;
    }
    // A traceback or stack ends after its exception line; a Java "Caused by" chain is handled
    // above.
    // Maven repeats a diagnostic's details as indented [ERROR] lines.
    if (head.startsWith("[ERROR] ") && text.startsWith("[ERROR]  ")) {
      return true;
    }
    if (previous.startsWith("npm ERR!") && text.startsWith("npm ERR!")) {
      return !text.startsWith("npm ERR! code") && !text.startsWith("npm ERR! A complete log");
    }
    return false;
  }

  /** True when the line is a stack frame (adds to the block's confidence). */
  static boolean isFrame(String text) {
    return FRAME.matcher(text).find();
  }

  private static int indent(String s) {
    int i = 0;
    int width = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == ' ') {
        width++;
      } else if (c == '\t') {
        width += 4;
      } else {
        break;
      }
      i++;
    }
    return width;
  }
}
