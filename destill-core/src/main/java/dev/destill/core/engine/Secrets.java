package dev.destill.core.engine;

import java.util.List;
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

  private record Rule(List<String> hints, Pattern pattern, int group) {}

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
    return new Rule(hints, Pattern.compile(regex), group);
  }

  // A key name may be the end of a longer one (DB_PASSWORD, AWS_SESSION_TOKEN): \b finds no
  // boundary after "_", so keys only need no letter or digit right before them.
  private static final String KEY_START = "(?<![A-Za-z0-9])";

  // Each rule masks one group; patterns are linear (no nested quantifiers) and run on lines
  // capped at LineCleaner.MAX_LINE_CHARS (findings) or LogSearch's line cap (MCP search).
  private static final List<Rule> RULES =
      List.of(
          // scheme://user:password@host
          rule(
              List.of("@"),
              "([a-zA-Z][a-zA-Z0-9+.-]{1,15}://[^/\\s:@]{1,256}:)([^@\\s/]{1,256})(@)",
              2),
          // user:password@host without a scheme (mongo, redis, JDBC-style arguments)
          rule(
              List.of("@"),
              "(?:^|(?<=[\\s\"'=(,]))([A-Za-z0-9._%+-]{1,64}:)([^@\\s/:\"']{3,256})(@(?!sha\\d)[A-Za-z0-9][A-Za-z0-9.-]{0,253})",
              2),
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
      if ((present & (1L << i)) == 0) {
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
