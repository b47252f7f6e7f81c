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

  private record Rule(Pattern pattern, int group) {}

  // Each rule masks one group; patterns are linear (no nested quantifiers) and run on lines
  // capped at LineCleaner.MAX_LINE_CHARS.
  private static final List<Rule> RULES =
      List.of(
          // scheme://user:password@host
          new Rule(Pattern.compile("([a-zA-Z][a-zA-Z0-9+.-]{1,15}://[^/\\s:@]{1,256}:)([^@\\s/]{1,256})(@)"), 2),
          new Rule(Pattern.compile("(?i)(authorization\\s*[:=]\\s*(?:bearer|basic|token|bot)?\\s*)([^\\s\"']{4,})"), 2),
          new Rule(Pattern.compile("(?i)(\\b(?:x-api-key|private-token|x-auth-token)\\s*[:=]\\s*)([^\\s\"']{4,})"), 2),
          new Rule(
              Pattern.compile(
                  "(?i)(\\b(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|client[_-]?secret|auth)"
                      + "[\"']?\\s*[:=]\\s*[\"']?)((?![/$<{(])[^\\s\"',;&]{3,})"),
              2),
          new Rule(Pattern.compile("\\b(gh[pousr]_[A-Za-z0-9]{20,255})"), 1),
          new Rule(Pattern.compile("\\b(github_pat_[A-Za-z0-9_]{20,255})"), 1),
          new Rule(Pattern.compile("\\b(glpat-[A-Za-z0-9_-]{20,255})"), 1),
          new Rule(Pattern.compile("\\b(bkua_[A-Za-z0-9]{20,255})"), 1),
          new Rule(Pattern.compile("\\b(xox[abposr]-[A-Za-z0-9-]{10,255})"), 1),
          new Rule(Pattern.compile("\\b((?:AKIA|ASIA)[A-Z0-9]{16})\\b"), 1),
          new Rule(Pattern.compile("\\b(sk_live_[A-Za-z0-9]{16,255})"), 1),
          new Rule(Pattern.compile("\\b(eyJ[A-Za-z0-9_-]{8,2048}\\.eyJ[A-Za-z0-9_-]{8,2048}\\.[A-Za-z0-9_-]{8,2048})"), 1),
          new Rule(Pattern.compile("(-----BEGIN [A-Z ]{0,40}PRIVATE KEY-----)(.*)"), 2));

  private Secrets() {}

  /** {@code text} with every secret replaced by {@link #MASK}. */
  public static String mask(String text) {
    if (text.isEmpty() || !mayContainSecret(text)) {
      return text;
    }
    String out = text;
    for (Rule rule : RULES) {
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

  // A cheap gate so most lines skip the regexes entirely.
  private static boolean mayContainSecret(String s) {
    return s.indexOf("://") >= 0
        || s.indexOf('=') >= 0
        || s.indexOf(':') >= 0
        || s.contains("_")
        || s.contains("-----")
        || s.contains("eyJ")
        || s.contains("AKIA")
        || s.contains("ASIA");
  }
}
