package dev.destill.core.provider;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What of a target (a build URL, a path) may be shown: in messages, the history's {@code target}
 * column, JSON and MCP answers. Credentials in a URL ({@code user:password@}) and the values of its
 * query parameters (signatures, tokens) become {@code ***}; paths and the rest stay as given.
 */
public final class Targets {
  // scheme://userinfo@ — userinfo is everything up to the last @ before the path.
  private static final Pattern USERINFO =
      Pattern.compile("(?i)\\b([a-z][a-z0-9+.-]*://)[^/?#\\s]*@");
  private static final Pattern QUERY_VALUE = Pattern.compile("([?&][^=&#\\s]*=)[^&#\\s]*");

  private Targets() {}

  /** The host of a URL's authority ({@code user:pw@host:port}): what follows its last {@code @}. */
  public static String host(String authority) {
    return authority.substring(authority.lastIndexOf('@') + 1);
  }

  /** The target with credentials and query values masked; unchanged when it holds neither. */
  public static String redact(String target) {
    String out = USERINFO.matcher(target).replaceAll("$1***@");
    int query = out.indexOf('?');
    if (query < 0 || !out.contains("://")) {
      return out;
    }
    Matcher m = QUERY_VALUE.matcher(out.substring(query));
    return out.substring(0, query) + m.replaceAll("$1***");
  }
}
