package dev.destill.core.engine;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Masks the parts of a message that change from build to build, so the same failure hashes the same
 * everywhere: timestamps, UUIDs, hex addresses, long hashes, paths, IPs, ports, durations and
 * numbers. Thread-safe.
 *
 * <p>Two levels: {@link #normalize} (for hashing and recurrence) and {@link #present} (for display
 * and grouping on screen: keeps file names with their line numbers).
 */
public final class Normalizer {
  private record Step(Pattern pattern, String replacement) {}

  private static final Pattern TIMESTAMP =
      Pattern.compile(
          "\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}:\\d{2}(?:[.,]\\d{1,9})?(?:Z|[+-]\\d{2}:?\\d{2})?");
  private static final Pattern CLOCK =
      Pattern.compile("\\b\\d{1,2}:\\d{2}:\\d{2}(?:[.,]\\d{1,9})?\\b");
  private static final Pattern UUID =
      Pattern.compile(
          "\\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\\b");
  private static final Pattern HEX_ADDR = Pattern.compile("\\b0x[0-9a-fA-F]{1,16}\\b");
  private static final Pattern LONG_HASH = Pattern.compile("\\b[0-9a-fA-F]{12,128}\\b");
  private static final Pattern IP =
      Pattern.compile("\\b\\d{1,3}(?:\\.\\d{1,3}){3}(?::\\d{1,5})?\\b");
  private static final Pattern HOST_PORT = Pattern.compile("(?<=[a-zA-Z\\]]):\\d{2,5}\\b");
  private static final Pattern DURATION =
      Pattern.compile(
          "\\b\\d+(?:\\.\\d+)?\\s?(?:ms|s|sec|secs|seconds|m|min|mins|minutes|h|hours|µs|us|ns)\\b");
  private static final Pattern PATH =
      Pattern.compile("(?:[A-Za-z]:)?(?:[\\\\/][\\w.@+~-]{1,128}){2,64}");
  private static final Pattern PATH_FILE_LINE =
      Pattern.compile("(?:[A-Za-z]:)?(?:[\\\\/][\\w.@+~-]{1,128}){0,63}[\\\\/]([\\w.@+~-]{1,128})");
  private static final Pattern NUMBER = Pattern.compile("\\b\\d+(?:\\.\\d+)?\\b");
  private static final Pattern SPACES = Pattern.compile("\\s+");

  private static final List<Step> PRESENT_STEPS =
      List.of(
          new Step(TIMESTAMP, "<ts>"),
          new Step(CLOCK, "<time>"),
          new Step(UUID, "<uuid>"),
          new Step(HEX_ADDR, "<hex>"),
          new Step(LONG_HASH, "<hash>"),
          new Step(IP, "<ip>"),
          new Step(DURATION, "<dur>"),
          new Step(PATH_FILE_LINE, "$1"),
          new Step(SPACES, " "));

  private Normalizer() {}

  /**
   * The message with every volatile part masked; the input of the finding hash. One pass over the
   * text, no regex: it runs for every candidate block, so it has to be cheap.
   */
  public static String normalize(String message) {
    String s = LineCleaner.stripDecorations(message);
    int n = s.length();
    StringBuilder out = new StringBuilder(n);
    int i = 0;
    boolean space = false;
    while (i < n) {
      char c = s.charAt(i);
      if (isWhitespace(c)) {
        space = true;
        i++;
        continue;
      }
      if (space && out.length() > 0) {
        out.append(' ');
      }
      space = false;
      if (isTokenChar(c)) {
        int j = i + 1;
        while (j < n && isTokenChar(s.charAt(j))) {
          j++;
        }
        // Trailing sentence punctuation is not part of the token.
        int end = j;
        while (end > i + 1 && isTrailingPunct(s.charAt(end - 1))) {
          end--;
        }
        token(s, i, end, out);
        out.append(s, end, j);
        i = j;
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }

  // ASCII characters' classes, looked up rather than tested one comparison at a time: the JIT
  // compiles a chain of comparisons on the cases it has seen, and compiles it again on each new
  // one.
  private static final int WHITESPACE = 1;
  private static final int TOKEN = 2;
  private static final int TRAILING = 4;
  private static final int[] ASCII = asciiClasses();

  private static int[] asciiClasses() {
    int[] t = new int[128];
    for (char c = 0; c < 128; c++) {
      if (Character.isWhitespace(c)) {
        t[c] |= WHITESPACE;
      }
      if (Character.isLetterOrDigit(c) || "_.-/\\:@+~".indexOf(c) >= 0) {
        t[c] |= TOKEN;
      }
      if (c == '.' || c == ':' || c == '-') {
        t[c] |= TRAILING;
      }
    }
    return t;
  }

  private static boolean isWhitespace(char c) {
    return c < 128 ? (ASCII[c] & WHITESPACE) != 0 : Character.isWhitespace(c);
  }

  private static boolean isTokenChar(char c) {
    return c < 128 ? (ASCII[c] & TOKEN) != 0 : Character.isLetterOrDigit(c);
  }

  private static boolean isTrailingPunct(char c) {
    return c < 128 && (ASCII[c] & TRAILING) != 0;
  }

  private static void token(String s, int from, int to, StringBuilder out) {
    int len = to - from;
    // The same counts as ByteTemplate's, in 16-bit lanes of two longs: no branch per ASCII
    // character. A lane holds 65,535, so a longer token is counted in parts.
    int digits = 0;
    int hex = 0;
    int letters = 0;
    int seps = 0;
    int dots = 0;
    int colons = 0;
    int dashes = 0;
    for (int part = from; part < to; part += 0xffff) {
      long a = 0;
      long b = 0;
      for (int k = part, end = Math.min(to, part + 0xffff); k < end; k++) {
        char c = s.charAt(k);
        if (c < 128) {
          a += ByteTemplate.COUNT_A[c];
          b += ByteTemplate.COUNT_B[c];
        } else if (Character.isLetter(c)) {
          a += ByteTemplate.LETTER_COUNT;
        }
      }
      digits += (int) (a & 0xffff);
      hex += (int) ((a >>> 16) & 0xffff);
      letters += (int) ((a >>> 32) & 0xffff);
      seps += (int) (a >>> 48);
      dots += (int) (b & 0xffff);
      colons += (int) ((b >>> 16) & 0xffff);
      dashes += (int) ((b >>> 32) & 0xffff);
    }
    if (seps >= 2
        || (seps == 1
            && len > 1
            && (s.charAt(from) == '/' || s.charAt(from) == '\\')
            && letters > 0)) {
      out.append("<path>");
    } else if (digits == 0) {
      out.append(s, from, to);
    } else if (len == 36 && dashes == 4 && hex == 32) {
      out.append("<uuid>");
    } else if (len > 2
        && s.charAt(from) == '0'
        && (s.charAt(from + 1) == 'x' || s.charAt(from + 1) == 'X')
        && hex == len - 1) {
      out.append("<hex>");
    } else if (hex == len && len >= 12) {
      out.append("<hash>");
    } else if (digits >= 8 && (dashes >= 2 || colons >= 2) && letters <= 2) {
      out.append("<ts>");
    } else if (dots == 3 && letters == 0 && dashes == 0 && digits + dots + colons == len) {
      out.append("<ip>");
    } else if (colons >= 1
        && letters == 0
        && dashes == 0
        && dots <= 1
        && digits + dots + colons == len) {
      out.append("<time>");
    } else if (letters == 0 && dashes == 0 && colons == 0 && digits + dots == len) {
      out.append("<n>");
    } else if (isDuration(s, from, to)) {
      out.append("<dur>");
    } else {
      maskNumbersInside(s, from, to, out);
    }
  }

  private static boolean isDuration(String s, int from, int to) {
    int k = from;
    while (k < to && (Character.isDigit(s.charAt(k)) || s.charAt(k) == '.')) {
      k++;
    }
    if (k == from || k == to) {
      return false;
    }
    String unit = s.substring(k, to);
    return switch (unit) {
      case "ms", "s", "sec", "secs", "m", "min", "mins", "h", "us", "ns", "\u00b5s" -> true;
      default -> false;
    };
  }

  // Digit runs that stand alone within a token (host:8080, build-42) become <n>; digits glued
  // to letters (Test2, v8) are part of a name and stay.
  private static void maskNumbersInside(String s, int from, int to, StringBuilder out) {
    int k = from;
    while (k < to) {
      char c = s.charAt(k);
      if (Character.isDigit(c) && (k == from || !Character.isLetterOrDigit(s.charAt(k - 1)))) {
        int e = k;
        while (e < to && Character.isDigit(s.charAt(e))) {
          e++;
        }
        if (e == to || !Character.isLetter(s.charAt(e))) {
          out.append("<n>");
          k = e;
          continue;
        }
      }
      out.append(c);
      k++;
    }
  }

  /** The message with ids and times masked but file names and line numbers kept. */
  public static String present(String message) {
    String s = LineCleaner.stripDecorations(message);
    for (Step step : PRESENT_STEPS) {
      s = step.pattern.matcher(s).replaceAll(step.replacement);
    }
    return s.strip();
  }
}
