package dev.destill.core.engine;

/** What sort of line a rule recognized; drives block grouping and cause/consequence linking. */
public enum Kind {
  /** A plain error or fatal message. */
  ERROR,
  /** An exception or crash header (Java, Python traceback, Go panic, segfault, OOM). */
  CRASH,
  /** A compiler, type checker or linter diagnostic ({@code file:line:col: error}). */
  DIAGNOSTIC,
  /** A failed test, or a test runner's failure section. */
  TEST_FAILURE,
  /**
   * A consequence of an earlier error: a failing command's exit summary ({@code Process completed
   * with exit code 1}, {@code The command "x" exited with 1.}), {@code BUILD FAILURE}, {@code make:
   * *** Error 2}. Ranked below the cause it follows, and used to find the cause when nothing else
   * points at it.
   */
  CONSEQUENCE,
  /** A warning: kept, ranked low. */
  WARNING
}
