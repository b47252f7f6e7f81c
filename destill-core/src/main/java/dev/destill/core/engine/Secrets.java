package dev.destill.core.engine;

import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks credentials in text that leaves the engine: tokens with well-known prefixes, passwords in
 * URLs (with or without a scheme), {@code Authorization:} headers, {@code password=}/{@code
 * DB_PASSWORD:}/{@code SECRET_KEY=} assignments, {@code --password X}-style flags, AWS keys, JWTs
 * and private key blocks; docs/security.md lists the formats. {@link #mask} is stateless and
 * thread-safe; {@link KeyBlocks} follows a stream of lines.
 */
public final class Secrets {
  public static final String MASK = "****";

  /**
   * A masking rule: its regex runs only on text that holds one of its {@code hints} (case aside)
   * and passes {@code maybe}, a cheap test that every text the regex matches passes.
   */
  private record Rule(List<String> hints, Predicate<String> maybe, Pattern pattern, int group) {}

  /**
   * Hints for "key = value" rules: the key right before an assignment, so stack frames that mention
   * a TokenValidator do not wake the regex. Each key also counts with a {@code _key}/{@code -key}
   * suffix ({@code SECRET_KEY=}).
   */
  private static List<String> assignments(String... keys) {
    List<String> out = new java.util.ArrayList<>();
    for (String k : keys) {
      for (String name : new String[] {k, k + "_key", k + "-key", k + "key"}) {
        for (String op : new String[] {"=", ":", "\"", "'", " =", " :"}) {
          out.add(name + op);
        }
      }
    }
    return out;
  }

  private static Rule rule(List<String> hints, String regex, int group) {
    return rule(hints, t -> true, regex, group);
  }

  private static Rule rule(List<String> hints, Predicate<String> maybe, String regex, int group) {
    return new Rule(hints, maybe, Pattern.compile(regex), group);
  }

  /** scheme://user:password@host; {@link #mayHoldUrlPassword} is its precheck. */
  static final String URL_PASSWORD =
      "([a-zA-Z][a-zA-Z0-9+.-]{1,15}://[^/\\s:@]{1,256}:)([^@\\s/]{1,256})(@)";

  /** user:password@host without a scheme; {@link #mayHoldUserPassword} is its precheck. */
  static final String USER_PASSWORD_AT_HOST =
      "(?:^|(?<=[\\s\"'=(,]))([A-Za-z0-9._%+-]{1,64}:)([^@\\s/:\"']{3,256})(@(?!sha\\d)[A-Za-z0-9][A-Za-z0-9.-]{0,253})";

  // A key name may be the end of a longer one (DB_PASSWORD, AWS_SESSION_TOKEN): \b finds no
  // boundary after "_", so keys only need no letter or digit right before them.
  private static final String KEY_START = "(?<![A-Za-z0-9])";

  // Each rule masks one group; patterns are linear (no nested quantifiers) and run on lines
  // capped at LineCleaner.MAX_LINE_CHARS (findings) or LogSearch's line cap (MCP search).
  private static final List<Rule> RULES =
      List.of(
          // scheme://user:password@host
          rule(List.of("@"), Secrets::mayHoldUrlPassword, URL_PASSWORD, 2),
          // user:password@host without a scheme (mongo, redis, JDBC-style arguments)
          rule(List.of("@"), Secrets::mayHoldUserPassword, USER_PASSWORD_AT_HOST, 2),
          rule(
              List.of("authorization"),
              "(?i)(authorization\\s*[:=]\\s*(?:bearer|basic|token|bot)?\\s*)([^\\s\"']{4,})",
              2),
          rule(
              List.of("api-key", "private-token", "auth-token", "job-token"),
              "(?i)(\\b(?:x-api-key|private-token|job-token|x-auth-token)\\s*[:=]\\s*)([^\\s\"']{4,})",
              2),
          rule(
              assignments(
                  "password",
                  "passwd",
                  "pwd",
                  "secret",
                  "token",
                  "api_key",
                  "api-key",
                  "apikey",
                  "access_key",
                  "access-key",
                  "accesskey",
                  "client_secret",
                  "client-secret",
                  "auth"),
              "(?i)("
                  + KEY_START
                  + "(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|client[_-]?secret|auth)"
                  + "(?:[_-]?key)?[\"']?\\s*[:=]\\s*[\"']?)((?![/$<{(])[^\\s\"',;&]{3,})",
              2),
          // Command-line flags: --password X, --token=X, docker login -p X, mysql -pX.
          rule(
              List.of("-pass", "-pwd", "-token", "-secret", "-api-key", "-access-key"),
              "(?i)((?:^|(?<=[\\s\"']))--?(?:password|passwd|pass|pwd|token|secret|api-key|access-key|"
                  + "access-token|auth-token)(?:=|\\s+)[\"']?)((?![-/$<{(])[^\\s\"']{3,})",
              2),
          rule(
              List.of("docker login", "podman login", "helm registry login"),
              "(?i)(\\blogin\\b[^\\n]{0,256}?\\s-p\\s+[\"']?)((?![-$<{(])[^\\s\"']{3,})",
              2),
          rule(
              List.of("mysql", "mariadb"),
              "(?i)(\\b(?:mysql|mysqldump|mysqladmin|mariadb)\\b[^\\n]{0,256}?\\s-p)([^\\s\"'-][^\\s\"']{2,})",
              2),
          rule(
              List.of("ghp_", "gho_", "ghu_", "ghs_", "ghr_"),
              "\\b(gh[pousr]_[A-Za-z0-9]{20,255})",
              1),
          rule(List.of("github_pat_"), "\\b(github_pat_[A-Za-z0-9_]{20,255})", 1),
          rule(
              List.of("glpat-", "gldt-", "glrt-", "glptt-", "glcbt-"),
              "\\b((?:glpat|gldt|glrt|glptt|glcbt)-[A-Za-z0-9_-]{20,255})",
              1),
          rule(List.of("bkua_", "bkat_"), "\\b(bk(?:ua|at)_[A-Za-z0-9]{20,255})", 1),
          rule(List.of("xox"), "\\b(xox[abposr]-[A-Za-z0-9-]{10,255})", 1),
          rule(
              List.of("hooks.slack.com"),
              "(hooks\\.slack\\.com/(?:services|workflows|triggers)/)([A-Za-z0-9/_-]{8,255})",
              2),
          rule(List.of("akia", "asia"), "\\b((?:AKIA|ASIA)[A-Z0-9]{16})\\b", 1),
          rule(List.of("aiza"), "\\b(AIza[0-9A-Za-z_-]{35})", 1),
          rule(List.of("npm_"), "\\b(npm_[A-Za-z0-9]{30,255})", 1),
          rule(List.of("sk_live_", "rk_live_"), "\\b([sr]k_live_[A-Za-z0-9]{16,255})", 1),
          rule(
              List.of("eyj"),
              "\\b(eyJ[A-Za-z0-9_-]{8,2048}\\.eyJ[A-Za-z0-9_-]{8,2048}\\.[A-Za-z0-9_-]{8,2048})",
              1),
          rule(
              List.of("private key"),
              "(-----BEGIN [A-Z ]{0,40}PRIVATE KEY(?: BLOCK)?-----)(.*)",
              2));

  private Secrets() {}

  /** {@code text} with every secret replaced by {@link #MASK}. */
  public static String mask(String text) {
    if (text.isEmpty()) {
      return text;
    }
    long present = GATE.groups(text)[0];
    if (present == 0) {
      return text;
    }
    String out = text;
    for (int i = 0; i < RULES.size(); i++) {
      Rule rule = RULES.get(i);
      if ((present & (1L << i)) == 0 || !rule.maybe.test(out)) {
        continue;
      }
      Matcher m = rule.pattern.matcher(out);
      if (!m.find()) {
        continue;
      }
      StringBuilder sb = new StringBuilder(out.length());
      int last = 0;
      do {
        sb.append(out, last, m.start(rule.group)).append(MASK);
        last = m.end(rule.group);
      } while (m.find());
      sb.append(out, last, out.length());
      out = sb.toString();
    }
    return out;
  }

  /** Masks every line; private key bodies between BEGIN and END lines are masked whole. */
  public static List<String> maskAll(List<String> lines) {
    KeyBlocks keys = new KeyBlocks();
    String[] out = new String[lines.size()];
    for (int i = 0; i < out.length; i++) {
      String line = lines.get(i);
      out[i] = keys.body(line) ? MASK : mask(line);
    }
    return List.of(out);
  }

  /** True when {@code line} may open or close a private key block (the cheap test first). */
  public static boolean mayMarkKey(CharSequence line) {
    return contains(line, "-----");
  }

  /**
   * Follows a log line by line and tells which lines are the body of a private key (between a
   * {@code -----BEGIN ... PRIVATE KEY-----} line and its {@code -----END} line), so that they are
   * masked whole wherever the block is cut: in a finding's context, a chunk or a search. A block
   * that never ends stops after {@link #MAX_LINES} lines. Not thread-safe: one per stream.
   */
  public static final class KeyBlocks {
    /** The most lines a key body takes (an 8192-bit RSA key is about 100). */
    public static final int MAX_LINES = 200;

    private boolean inside;
    private int lines;

    /** Whether the lines read so far left a key block open. */
    public boolean inside() {
      return inside;
    }

    /** Feeds the next line; true when it is a body line, to be shown as {@link #MASK}. */
    public boolean body(CharSequence line) {
      if (inside) {
        if (contains(line, "-----END ") || ++lines > MAX_LINES) {
          inside = false;
          return false;
        }
        return true;
      }
      if (mayMarkKey(line)
          && contains(line, "-----BEGIN ")
          && contains(line, "PRIVATE KEY")
          && !contains(line, "-----END ")) {
        inside = true;
        lines = 0;
      }
      return false;
    }
  }

  /**
   * Whether {@code text} holds what a URL with a password needs: a {@code ://} after at least two
   * characters, then a user name and a {@code :} with no {@code /}, {@code @} or whitespace, then a
   * password and an {@code @} with no {@code /} or whitespace. Maven and npm print many URLs and
   * many {@code @}s, but seldom both in this shape.
   */
  static boolean mayHoldUrlPassword(String text) {
    int n = text.length();
    for (int i = text.indexOf("://", 2); i >= 0; i = text.indexOf("://", i + 1)) {
      int j = i + 3;
      while (j < n && !isSpace(text.charAt(j)) && "/:@".indexOf(text.charAt(j)) < 0) {
        j++;
      }
      if (j == i + 3 || j >= n || text.charAt(j) != ':') {
        continue;
      }
      int k = j + 1;
      while (k < n && !isSpace(text.charAt(k)) && "/@".indexOf(text.charAt(k)) < 0) {
        k++;
      }
      if (k > j + 1 && k < n && text.charAt(k) == '@') {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether {@code text} holds what a {@code user:password@host} needs: an {@code @} followed by a
   * letter or digit, with at least three characters other than whitespace, quotes and {@code @/:}
   * between it and a {@code :} that follows a user name's character. Linear, where the regex tries
   * a 64-character user name at every position (npm's {@code package@1.2.3} lines hold an {@code @}
   * without any of this).
   */
  static boolean mayHoldUserPassword(String text) {
    int n = text.length();
    for (int at = text.indexOf('@'); at >= 0; at = text.indexOf('@', at + 1)) {
      if (at + 1 >= n || !asciiLetterOrDigit(text.charAt(at + 1))) {
        continue;
      }
      int k = at - 1;
      while (k >= 0 && passwordChar(text.charAt(k))) {
        k--;
      }
      if (k >= 1 && text.charAt(k) == ':' && at - k - 1 >= 3 && userChar(text.charAt(k - 1))) {
        return true;
      }
    }
    return false;
  }

  private static boolean asciiLetterOrDigit(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }

  // [^@\s/:"'] as the regex reads it.
  private static boolean passwordChar(char c) {
    return !isSpace(c) && "@/:\"'".indexOf(c) < 0;
  }

  // \s as a regex without UNICODE_CHARACTER_CLASS reads it.
  private static boolean isSpace(char c) {
    return c == ' ' || (c >= '\t' && c <= '\r');
  }

  private static boolean userChar(char c) {
    return asciiLetterOrDigit(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
  }

  private static boolean contains(CharSequence s, String word) {
    return s instanceof String str ? str.contains(word) : s.toString().contains(word);
  }

  // One automaton pass finds which rules can match at all; most lines need none of them.
  private static final Prefilter GATE = buildGate();

  private static Prefilter buildGate() {
    List<String> words = new java.util.ArrayList<>();
    List<Integer> groups = new java.util.ArrayList<>();
    for (int i = 0; i < RULES.size(); i++) {
      for (String h : RULES.get(i).hints()) {
        words.add(h);
        groups.add(i);
      }
    }
    return new Prefilter(words, groups.stream().mapToInt(Integer::intValue).toArray());
  }
}
