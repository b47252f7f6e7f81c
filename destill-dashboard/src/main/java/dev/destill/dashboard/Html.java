package dev.destill.dashboard;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * The one place where text becomes HTML. Everything a page shows that did not come from this
 * module's own constants passes through {@link #text} (element content) or {@link #attr} (a quoted
 * attribute value): log lines, job names, titles, URLs, ids. Thread-safe (stateless).
 *
 * <p>Besides the five characters HTML gives meaning to, text loses its power over the page's
 * layout: bidirectional overrides and isolates (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F,
 * U+061C) and control characters are shown as a visible {@code ⟨U+202E⟩} instead of acting, and an
 * unpaired surrogate becomes U+FFFD.
 */
public final class Html {
  private Html() {}

  /** {@code s} as element content: markup escaped, controls shown as their code point. */
  public static String text(String s) {
    StringBuilder out = new StringBuilder(s.length() + 16);
    text(out, s);
    return out.toString();
  }

  /** Appends {@code s} as element content to {@code out}. */
  public static void text(StringBuilder out, String s) {
    escape(out, s, true);
  }

  /** {@code s} as a double-quoted attribute value (without the quotes). */
  public static String attr(String s) {
    StringBuilder out = new StringBuilder(s.length() + 16);
    escape(out, s, false);
    return out.toString();
  }

  private static void escape(StringBuilder out, String s, boolean markControls) {
    int n = s.length();
    // Most log text needs nothing: its plain start is copied at once.
    int plain = 0;
    while (plain < n && isPlain(s.charAt(plain))) {
      plain++;
    }
    out.append(s, 0, plain);
    for (int i = plain; i < n; i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> {
          if (Character.isHighSurrogate(c)) {
            if (i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
              out.append(c).append(s.charAt(++i));
            } else {
              out.append('\uFFFD');
            }
          } else if (Character.isLowSurrogate(c)) {
            out.append('\uFFFD');
          } else if (isControl(c)) {
            String code = String.format(Locale.ROOT, "U+%04X", (int) c);
            if (markControls) {
              out.append("<span class=\"ctl\">&#10216;").append(code).append("&#10217;</span>");
            } else {
              out.append('⟨').append(code).append('⟩');
            }
          } else {
            out.append(c);
          }
        }
      }
    }
  }

  /** True for a character that is shown as it is. */
  private static boolean isPlain(char c) {
    if (c < 0x80) {
      return c >= 0x20 && c != 0x7f && c != '&' && c != '<' && c != '>' && c != '"' && c != '\'';
    }
    return !Character.isSurrogate(c) && !isControl(c);
  }

  /** True for characters that would act on the page rather than show: controls and bidi marks. */
  static boolean isControl(char c) {
    if (c == '\t') {
      return false;
    }
    return c < 0x20
        || (c >= 0x7f && c < 0xa0)
        || (c >= 0x202a && c <= 0x202e)
        || (c >= 0x2066 && c <= 0x2069)
        || c == 0x200e
        || c == 0x200f
        || c == 0x061c
        || c == 0x2028
        || c == 0x2029;
  }

  /** {@code s} encoded for a query string value. */
  public static String query(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** {@code s} encoded for one path segment (ids are plain, but a hostile one must not escape). */
  public static String segment(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /**
   * The build URL as a link target, only when it is an {@code https} (or {@code http}) URL of a
   * host with a name: never {@code javascript:}, {@code data:} or a relative URL, and without user
   * information (which could carry a credential).
   */
  public static Optional<String> externalLink(String url) {
    try {
      URI u = new URI(url.trim());
      String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("https") && !scheme.equals("http")) {
        return Optional.empty();
      }
      if (u.getHost() == null || u.getHost().isBlank() || u.getRawUserInfo() != null) {
        return Optional.empty();
      }
      return Optional.of(u.toASCIIString());
    } catch (URISyntaxException e) {
      return Optional.empty();
    }
  }

  /** A local path to go back to after logging in: only {@code /...}, never {@code //host}. */
  public static String localPath(String next) {
    if (next == null
        || !next.startsWith("/")
        || next.startsWith("//")
        || next.startsWith("/\\")
        || next.chars().anyMatch(ch -> ch < 0x20 || ch == '\\')) {
      return "/";
    }
    return next;
  }
}
