package dev.destill.core.stats;

import java.util.Locale;
import java.util.Map;

/**
 * The level of a plain text line, from the first level word near its start ({@code ERROR}, {@code
 * [warn]}, {@code level=info}, {@code E0412}-style codes are not levels). Sources that carry a
 * severity (OTLP, syslog) use theirs instead. Pure and thread-safe.
 */
public final class LineLevels {
  /** How far into a line a level word is looked for: past a timestamp and a logger name. */
  public static final int LOOK = 120;

  private static final Map<String, Level> WORDS =
      Map.ofEntries(
          Map.entry("trace", Level.TRACE),
          Map.entry("debug", Level.DEBUG),
          Map.entry("info", Level.INFO),
          Map.entry("notice", Level.INFO),
          Map.entry("warn", Level.WARN),
          Map.entry("warning", Level.WARN),
          Map.entry("error", Level.ERROR),
          Map.entry("err", Level.ERROR),
          Map.entry("severe", Level.ERROR),
          Map.entry("failure", Level.ERROR),
          Map.entry("fatal", Level.FATAL),
          Map.entry("critical", Level.FATAL),
          Map.entry("crit", Level.FATAL),
          Map.entry("panic", Level.FATAL),
          Map.entry("emerg", Level.FATAL),
          Map.entry("alert", Level.FATAL));

  private LineLevels() {}

  /** The level the line names, or {@link Level#UNKNOWN}. */
  public static Level of(String line) {
    int n = Math.min(line.length(), LOOK);
    int i = 0;
    while (i < n) {
      char c = line.charAt(i);
      if (!Character.isLetter(c)) {
        i++;
        continue;
      }
      int j = i + 1;
      while (j < line.length() && Character.isLetterOrDigit(line.charAt(j))) {
        j++;
      }
      // A word glued to digits ("E0412", "warn2") is a code or a name, not a level.
      boolean letters = true;
      for (int k = i; k < j; k++) {
        if (!Character.isLetter(line.charAt(k))) {
          letters = false;
          break;
        }
      }
      if (letters && j - i <= 8) {
        Level l = WORDS.get(line.substring(i, j).toLowerCase(Locale.ROOT));
        if (l != null) {
          return l;
        }
      }
      i = j;
    }
    return Level.UNKNOWN;
  }
}
