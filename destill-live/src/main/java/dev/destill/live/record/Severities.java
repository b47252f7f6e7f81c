package dev.destill.live.record;

import dev.destill.core.stats.Level;
import java.util.Locale;

/** How each source's severities map to {@link Level}: one place for OTLP, syslog and webhooks. */
public final class Severities {
  private Severities() {}

  /**
   * OTLP's {@code SeverityNumber} (1–4 trace, 5–8 debug, 9–12 info, 13–16 warn, 17–20 error, 21–24
   * fatal); when it is unspecified (0) or out of range, the {@code SeverityText}.
   */
  public static Level otlp(int number, String text) {
    if (number >= 1 && number <= 24) {
      return switch ((number - 1) / 4) {
        case 0 -> Level.TRACE;
        case 1 -> Level.DEBUG;
        case 2 -> Level.INFO;
        case 3 -> Level.WARN;
        case 4 -> Level.ERROR;
        default -> Level.FATAL;
      };
    }
    return text(text);
  }

  /**
   * A severity's name as loggers and webhooks write it ({@code ERROR}, {@code warning}, {@code E}).
   */
  public static Level text(String text) {
    if (text == null) {
      return Level.UNKNOWN;
    }
    String t = text.strip().toLowerCase(Locale.ROOT);
    // "ERROR2" and the like (OTLP's short names for numbers 18–20) count as their family.
    int end = t.length();
    while (end > 0 && Character.isDigit(t.charAt(end - 1))) {
      end--;
    }
    return switch (t.substring(0, end)) {
      case "trace", "finest", "finer", "t" -> Level.TRACE;
      case "debug", "fine", "dbg", "d" -> Level.DEBUG;
      case "info", "information", "informational", "notice", "config", "i" -> Level.INFO;
      case "warn", "warning", "w" -> Level.WARN;
      case "error", "err", "severe", "e" -> Level.ERROR;
      case "fatal", "critical", "crit", "alert", "emerg", "emergency", "panic", "f" -> Level.FATAL;
      default -> Level.UNKNOWN;
    };
  }

  /**
   * A syslog severity (RFC 5424 §6.2.1): 0–2 (emergency, alert, critical) fatal, 3 error, 4
   * warning, 5–6 (notice, informational) info, 7 debug.
   */
  public static Level syslog(int severity) {
    return switch (severity) {
      case 0, 1, 2 -> Level.FATAL;
      case 3 -> Level.ERROR;
      case 4 -> Level.WARN;
      case 5, 6 -> Level.INFO;
      case 7 -> Level.DEBUG;
      default -> Level.UNKNOWN;
    };
  }
}
