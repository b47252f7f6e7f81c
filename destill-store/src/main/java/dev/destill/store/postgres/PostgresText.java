package dev.destill.store.postgres;

/**
 * Text as PostgreSQL accepts it. Its {@code TEXT} refuses the NUL character ({@code invalid byte
 * sequence for encoding "UTF8": 0x00}), its {@code JSONB} refuses the {@code \\u0000} escape
 * ({@code unsupported Unicode escape sequence}), and neither can hold a lone UTF-16 surrogate. A
 * build's names and logs come from outside and may hold any of these; each becomes U+FFFD, the
 * replacement character, so that the rest of the text is stored. Stateless and thread-safe.
 */
final class PostgresText {
  static final char REPLACEMENT = '\uFFFD';

  private PostgresText() {}

  /** {@code s} with NUL characters and lone surrogates replaced; {@code s} itself when clean. */
  static String clean(String s) {
    if (s == null) {
      return null;
    }
    int i = firstBad(s);
    if (i < 0) {
      return s;
    }
    StringBuilder out = new StringBuilder(s.length()).append(s, 0, i);
    for (; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == 0) {
        out.append(REPLACEMENT);
      } else if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        out.append(c).append(s.charAt(++i));
      } else if (Character.isSurrogate(c)) {
        out.append(REPLACEMENT);
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  /**
   * A JSON document cleaned as {@link #clean} does, with its {@code \\u0000} escapes (and escapes
   * of lone surrogates) replaced by {@code \\uFFFD}. An escape is a backslash preceded by an even
   * number of backslashes.
   */
  static String cleanJson(String json) {
    String s = clean(json);
    if (s == null || s.indexOf("\\u") < 0) {
      return s;
    }
    StringBuilder out = new StringBuilder(s.length());
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c != '\\' || i + 1 >= s.length()) {
        out.append(c);
        i++;
        continue;
      }
      if (s.charAt(i + 1) != 'u' || i + 6 > s.length()) {
        out.append(c).append(s.charAt(i + 1)); // another escape, kept whole
        i += 2;
        continue;
      }
      int code = hex(s, i + 2);
      if (code == 0) {
        out.append("\\uFFFD");
        i += 6;
      } else if (code >= 0xD800 && code <= 0xDBFF && lowEscapeAt(s, i + 6)) {
        out.append(s, i, i + 12); // a pair, kept
        i += 12;
      } else if (code >= 0xD800 && code <= 0xDFFF) {
        out.append("\\uFFFD");
        i += 6;
      } else {
        out.append(s, i, i + 6);
        i += 6;
      }
    }
    return out.toString();
  }

  private static boolean lowEscapeAt(String s, int i) {
    if (i + 6 > s.length() || s.charAt(i) != '\\' || s.charAt(i + 1) != 'u') {
      return false;
    }
    int code = hex(s, i + 2);
    return code >= 0xDC00 && code <= 0xDFFF;
  }

  private static int hex(String s, int from) {
    try {
      return Integer.parseInt(s.substring(from, from + 4), 16);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static int firstBad(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == 0 || Character.isSurrogate(c)) {
        return i;
      }
    }
    return -1;
  }
}
