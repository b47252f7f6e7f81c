package dev.destill.core.engine;

import java.util.regex.Pattern;

/**
 * Lines that every failed build of a tool prints whatever went wrong ({@code BUILD FAILURE}, {@code
 * exit code 1}, a bare {@code [ERROR]}, Maven's "Re-run with -e" advice): they say nothing about
 * this failure, so they get no recurrence count ("seen in 19 of 20 builds" would only say the
 * builds fail) and are left out of recurring failures. The one place this policy lives. Pure.
 */
public final class Boilerplate {
  private static final Pattern GENERIC =
      Pattern.compile(
          "(?i)^(?:"
              + "\\[(?:error|fatal)]\\s*(?:->\\s*\\[help \\d+])?"
              + "|\\[error] (?:re-run maven|to see the full stack trace|for more information about"
              + "|after correcting the problems|\\[help \\d+]|mvn <args>|-> \\[help).*"
              + "|\\[error] failed to execute goal\\s*$"
              + "|(?:\\[error] )?build failure\\.?"
              + "|build failed.*"
              + "|failure: build failed with an exception\\.?"
              + "|(?:error: )?process completed with exit code \\d+\\.?"
              + "|(?:error: )?job failed: exit (?:code|status) \\d+\\.?"
              + "|(?:error: )?(?:the )?command (?:\\S+ )?(?:failed|exited) with (?:exit )?(?:code|status) \\d+.*"
              + "|.{0,40}\\b(?:exit(?:ed)? (?:with )?(?:code|status) \\d+|returned (?:a )?non-zero exit status \\d+)\\.?"
              + "|make(?:\\[\\d+])?: \\*\\*\\* .*error \\d+"
              + "|npm err! (?:code \\w+|errno \\d+|a complete log.*|test failed\\..*|lifecycle script.*|\\s*)"
              + "|error: (?:script|recipe|command) .{0,60}failed.*"
              + "|🚨 error: .{0,80}exit(?:ed with)? status \\d+.*"
              + "|error\\b[:!]?\\s*"
              + "|errors? occurred.{0,40}"
              + ")$");

  private Boilerplate() {}

  /** True when {@code message} (a finding's first line, as shown) is boilerplate. */
  public static boolean is(String message) {
    String t = LineCleaner.stripDecorations(LineCleaner.stripAnsi(message));
    return t.isEmpty() || GENERIC.matcher(t).matches();
  }
}
