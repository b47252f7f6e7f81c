package dev.destill.core.engine;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks credentials in text that leaves the engine: tokens with well-known prefixes, passwords in
 * URLs, {@code Authorization:} headers, {@code password=}/{@code token:} assignments, AWS keys,
 * JWTs and private key blocks. Stateless and thread-safe.
 */
public final class Secrets {
  public static final String MASK = "****";

  private record Rule(List<String> hints, Pattern pattern, int group) {}

  /**
   * Hints for "key = value" rules: the key right before an assignment, so stack frames that mention
   * a TokenValidator do not wake the regex.
   */
  private static List<String> assignments(String... keys) {
    List<String> out = new java.util.ArrayList<>();
    for (String k : keys) {
      for (String op : new String[] {"=", ":", "\"", "'", " =", " :"}) {
        out.add(k + op);
      }
    }
    return out;
  }

  private static Rule rule(List<String> hints, String regex, int group) {
    return new Rule(hints, Pattern.compile(regex), group);
  }

  // Each rule masks one group; patterns are linear (no nested quantifiers) and run on lines
  // capped at LineCleaner.MAX_LINE_CHARS.
  private static final List<Rule> RULES =
      List.of(
          // scheme://user:password@host
          rule(
              List.of("@"),
              "([a-zA-Z][a-zA-Z0-9+.-]{1,15}://[^/\\s:@]{1,256}:)([^@\\s/]{1,256})(@)",
              2),
          rule(
              List.of("authorization"),
              "(?i)(authorization\\s*[:=]\\s*(?:bearer|basic|token|bot)?\\s*)([^\\s\"']{4,})",
              2),
          rule(
              List.of("api-key", "private-token", "auth-token"),
              "(?i)(\\b(?:x-api-key|private-token|x-auth-token)\\s*[:=]\\s*)([^\\s\"']{4,})",
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
              "(?i)(\\b(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|client[_-]?secret|auth)"
                  + "[\"']?\\s*[:=]\\s*[\"']?)((?![/$<{(])[^\\s\"',;&]{3,})",
              2),
          rule(
              List.of("ghp_", "gho_", "ghu_", "ghs_", "ghr_"),
              "\\b(gh[pousr]_[A-Za-z0-9]{20,255})",
              1),
          rule(List.of("github_pat_"), "\\b(github_pat_[A-Za-z0-9_]{20,255})", 1),
          rule(List.of("glpat-"), "\\b(glpat-[A-Za-z0-9_-]{20,255})", 1),
          rule(List.of("bkua_"), "\\b(bkua_[A-Za-z0-9]{20,255})", 1),
          rule(List.of("xox"), "\\b(xox[abposr]-[A-Za-z0-9-]{10,255})", 1),
          rule(List.of("akia", "asia"), "\\b((?:AKIA|ASIA)[A-Z0-9]{16})\\b", 1),
          rule(List.of("sk_live_"), "\\b(sk_live_[A-Za-z0-9]{16,255})", 1),
          rule(
              List.of("eyj"),
              "\\b(eyJ[A-Za-z0-9_-]{8,2048}\\.eyJ[A-Za-z0-9_-]{8,2048}\\.[A-Za-z0-9_-]{8,2048})",
              1),
          rule(List.of("private key"), "(-----BEGIN [A-Z ]{0,40}PRIVATE KEY-----)(.*)", 2));

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
    boolean inKey = false;
    String[] out = new String[lines.size()];
    for (int i = 0; i < out.length; i++) {
      String line = lines.get(i);
      if (inKey) {
        if (line.contains("-----END ")) {
          inKey = false;
          out[i] = line;
        } else {
          out[i] = MASK;
        }
        continue;
      }
      if (line.contains("-----BEGIN ") && line.contains("PRIVATE KEY-----")) {
        inKey = !line.contains("-----END ");
      }
      out[i] = mask(line);
    }
    return List.of(out);
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
