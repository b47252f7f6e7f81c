package dev.destill.core.engine;

import java.nio.charset.StandardCharsets;

/**
 * Turns the raw bytes of one log line into the text a reader sees: invalid UTF-8 replaced, lone
 * {@code \r} progress output reduced to its last visible segment, ANSI escape sequences and
 * Buildkite {@code _bk;t=} timestamps removed. Stateless and thread-safe.
 *
 * <p>CI timestamp prefixes and markers are kept here (a finding holds the raw line without ANSI
 * codes); {@link #display} is the one rule every output (text, Markdown, JSON, TUI, MCP) applies to
 * show a line, and {@link #stripDecorations} removes them for matching.
 */
public final class LineCleaner {
  /** The most characters of one line that matching, hashing and display ever look at. */
  public static final int MAX_LINE_CHARS = 4096;

  /**
   * What ends a line that was cut before the engine saw it (an OSC escape, which display strips):
   * {@code ESC ] destill-cut;}, the line's full length in bytes as if nothing were left out, then
   * {@code BEL}.
   */
  public static final String CUT_MARK = "\u001b]destill-cut;";

  private LineCleaner() {}

  /** Decodes and cleans {@code len} bytes; {@code totalLen} is the line's full length. */
  public static String visible(byte[] buf, int off, int len, long totalLen) {
    long range = visibleRange(buf, off, len);
    int start = (int) (range >>> 32);
    int end = (int) range;
    String text = asciiVisible(buf, start, end);
    if (text == null) {
      text = stripAnsi(new String(buf, start, end - start, StandardCharsets.UTF_8));
    }
    if (totalLen > len) {
      text = text + " [... " + (totalLen - len) + " more bytes]";
    }
    return text;
  }

  /**
   * Where a line's visible text lies: its start in the high half, its end in the low half. A
   * trailing {@code \r} (CRLF, or CRCR from some Windows tools) ends the line; it is not progress.
   * Of progress output, the last segment after a lone {@code \r} that still has text once ANSI
   * codes are gone is kept: "50%\r100%" shows "100%".
   */
  static long visibleRange(byte[] buf, int off, int len) {
    int end = off + len;
    while (end > off && buf[end - 1] == '\r') {
      end--;
    }
    int start = off;
    if (ByteTemplate.indexOf(buf, off, end, (byte) '\r') == end) {
      return (long) start << 32 | end; // no progress output: what most lines are
    }
    for (int i = end - 1; i >= off; i--) {
      if (buf[i] == '\r') {
        if (hasVisibleText(buf, i + 1, end)) {
          start = i + 1;
          break;
        }
        end = i;
      }
    }
    return (long) start << 32 | end;
  }

  /**
   * {@link #stripAnsi} of an ASCII line, done on its bytes: what most lines are, and ASCII decodes
   * to itself, so stripping before decoding gives the same text. Null when the line holds a byte
   * outside ASCII, which the UTF-8 decoder must see first.
   */
  private static String asciiVisible(byte[] buf, int from, int to) {
    int i = ByteTemplate.cleanUpTo(buf, from, to);
    if (i == to) {
      return new String(buf, from, to - from, StandardCharsets.ISO_8859_1);
    }
    for (int k = i; k < to; k++) {
      if (buf[k] < 0) {
        return null;
      }
    }
    byte[] out = new byte[to - from];
    int n = 0;
    int run = from;
    while (true) {
      // buf[run, i) has nothing to strip; what ends it is an escape, a Buildkite timestamp, a
      // control character (only tabs are kept) or DEL.
      System.arraycopy(buf, run, out, n, i - run);
      n += i - run;
      if (i == to) {
        break;
      }
      byte b = buf[i];
      if (b == 0x1b) {
        i = skipEscape(buf, i, to);
      } else if (b == '_') {
        i = skipBuildkiteTimestamp(buf, i, to);
      } else {
        if (b == '\t') {
          out[n++] = b;
        }
        i++;
      }
      run = i;
      i = ByteTemplate.cleanUpTo(buf, i, to);
    }
    return new String(out, 0, n, StandardCharsets.ISO_8859_1);
  }

  /** Convenience for tests and small inputs. */
  public static String visible(String raw) {
    byte[] bytes = raw.getBytes(StandardCharsets.UTF_8);
    return visible(bytes, 0, bytes.length, bytes.length);
  }

  private static boolean hasVisibleText(byte[] buf, int from, int to) {
    int i = from;
    while (i < to) {
      byte b = buf[i];
      if (b == 0x1b) {
        i = skipEscape(buf, i, to);
        continue;
      }
      if (b == '_' && startsWith(buf, i, to, BK_T)) {
        i = skipBuildkiteTimestamp(buf, i, to);
        continue;
      }
      if (b != ' ' && b != '\t') {
        return true;
      }
      i++;
    }
    return false;
  }

  private static final byte[] BK_T = "_bk;t=".getBytes(StandardCharsets.US_ASCII);

  private static boolean startsWith(byte[] buf, int at, int to, byte[] prefix) {
    if (to - at < prefix.length) {
      return false;
    }
    for (int k = 0; k < prefix.length; k++) {
      if (buf[at + k] != prefix[k]) {
        return false;
      }
    }
    return true;
  }

  static int skipBuildkiteTimestamp(byte[] buf, int i, int to) {
    int j = i + BK_T.length;
    while (j < to && buf[j] >= '0' && buf[j] <= '9') {
      j++;
    }
    if (j < to && buf[j] == 0x07) {
      j++;
    }
    return j;
  }

  /** Index just past the escape sequence starting at {@code i} (which holds ESC). */
  static int skipEscape(byte[] buf, int i, int to) {
    int j = i + 1;
    if (j >= to) {
      return j;
    }
    byte kind = buf[j];
    if (kind == '[') {
      j++;
      while (j < to && (buf[j] < 0x40 || buf[j] > 0x7e)) {
        j++;
      }
      return Math.min(to, j + 1);
    }
    if (kind == ']' || kind == '_' || kind == 'P' || kind == '^') {
      j++;
      while (j < to) {
        if (buf[j] == 0x07) {
          return j + 1;
        }
        if (buf[j] == 0x1b && j + 1 < to && buf[j + 1] == '\\') {
          return j + 2;
        }
        j++;
      }
      return to;
    }
    if (designatesCharset(kind)) {
      // ESC ( B (tput sgr0) and the other two-byte sequences: the byte after is theirs too.
      return Math.min(to, j + 2);
    }
    return j + 1;
  }

  // ESC ( ) * + - . / pick a character set, ESC # and ESC % a line size or encoding: one more byte.
  private static boolean designatesCharset(int kind) {
    return kind == '('
        || kind == ')'
        || kind == '*'
        || kind == '+'
        || kind == '-'
        || kind == '.'
        || kind == '/'
        || kind == '#'
        || kind == '%';
  }

  /**
   * Removes ANSI escape sequences (CSI, OSC, APC incl. Buildkite's {@code \e_bk;t=..\a}), bare
   * {@code _bk;t=NNN\a} timestamps, and other control characters but tab.
   */
  public static String stripAnsi(String s) {
    int n = s.length();
    int i = 0;
    while (i < n) {
      char c = s.charAt(i);
      if (c == 0x1b
          || (c < 0x20 && c != '\t')
          || c == 0x7f
          || (c == '_' && s.startsWith("_bk;t=", i))) {
        break;
      }
      i++;
    }
    if (i == n) {
      return s;
    }
    StringBuilder out = new StringBuilder(n);
    out.append(s, 0, i);
    while (i < n) {
      char c = s.charAt(i);
      if (c == 0x1b) {
        i = skipEscape(s, i);
      } else if (c == '_' && s.startsWith("_bk;t=", i)) {
        int j = i + 6;
        while (j < n && Character.isDigit(s.charAt(j))) {
          j++;
        }
        if (j < n && s.charAt(j) == 0x07) {
          j++;
        }
        i = j;
      } else if ((c < 0x20 && c != '\t') || c == 0x7f) {
        i++;
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }

  static int skipEscape(String s, int i) {
    int n = s.length();
    int j = i + 1;
    if (j >= n) {
      return j;
    }
    char kind = s.charAt(j);
    if (kind == '[') {
      j++;
      while (j < n && (s.charAt(j) < 0x40 || s.charAt(j) > 0x7e)) {
        j++;
      }
      return Math.min(n, j + 1);
    }
    if (kind == ']' || kind == '_' || kind == 'P' || kind == '^') {
      j++;
      while (j < n) {
        char c = s.charAt(j);
        if (c == 0x07) {
          return j + 1;
        }
        if (c == 0x1b && j + 1 < n && s.charAt(j + 1) == '\\') {
          return j + 2;
        }
        j++;
      }
      return n;
    }
    if (designatesCharset(kind)) {
      return Math.min(n, j + 2);
    }
    return j + 1;
  }

  /**
   * The one display rule: a line as every output shows it, without the CI timestamp prefix and
   * {@code ##[error]}-style marker, with its own indentation. Idempotent.
   */
  public static String display(String visible) {
    return stripPrefix(visible);
  }

  /** {@link #display} of each line. */
  public static java.util.List<String> display(java.util.List<String> lines) {
    return lines.stream().map(LineCleaner::display).toList();
  }

  /**
   * Removes what CI systems put around a line's own text: a GitHub Actions timestamp prefix, {@code
   * ##[error]}-style markers, Travis {@code travis_fold}/{@code travis_time} markers, and leading
   * whitespace. Used for matching and normalization, not for display.
   */
  public static String stripDecorations(String visible) {
    return stripPrefix(visible).strip();
  }

  /**
   * Like {@link #stripDecorations} but keeps the line's own indentation, which block grouping
   * needs.
   */
  public static String stripPrefix(String visible) {
    int i = skipIsoTimestamp(visible, 0);
    if (visible.startsWith("##[", i)) {
      int close = visible.indexOf(']', i);
      if (close > 0 && close - i < 24) {
        i = close + 1;
      }
    }
    if (visible.startsWith("travis_", i)) {
      return "";
    }
    return i == 0 ? visible.stripTrailing() : visible.substring(i).stripTrailing();
  }

  /** Skips {@code 2024-01-02T03:04:05(.123...)Z } (and {@code +00:00} offsets) at {@code i}. */
  static int skipIsoTimestamp(String s, int i) {
    int n = s.length();
    if (n - i < 20 || !isDigits(s, i, 4) || s.charAt(i + 4) != '-' || s.charAt(i + 10) != 'T') {
      return i;
    }
    int j = i + 19;
    if (j < n && s.charAt(j) == '.') {
      j++;
      while (j < n && Character.isDigit(s.charAt(j))) {
        j++;
      }
    }
    if (j < n && s.charAt(j) == 'Z') {
      j++;
    } else if (j + 6 <= n && (s.charAt(j) == '+' || s.charAt(j) == '-') && s.charAt(j + 3) == ':') {
      j += 6;
    }
    if (j < n && s.charAt(j) == ' ') {
      return j + 1;
    }
    return j == n ? j : i;
  }

  private static boolean isDigits(String s, int at, int count) {
    for (int k = at; k < at + count; k++) {
      if (!Character.isDigit(s.charAt(k))) {
        return false;
      }
    }
    return true;
  }
}
