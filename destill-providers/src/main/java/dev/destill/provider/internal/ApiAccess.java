package dev.destill.provider.internal;

import dev.destill.core.DestillException;
import dev.destill.core.provider.Targets;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;
import java.util.Objects;

/**
 * How to authenticate to one CI API and how to explain failures to the user. The token goes to the
 * API's {@code origin} only (scheme, host and port): never to a host named in API data, a redirect
 * or a next link.
 *
 * @param service the service's name in messages ("GitHub")
 * @param tokenVariable the environment variable that holds the token
 * @param scopes what the token needs, in words ("read_builds, read_build_logs and read_artifacts
 *     scopes")
 * @param headerName the header that carries the token
 * @param headerValue the header's value (a secret: never printed)
 * @param origin the API base URL; requests to its origin, and only those, carry the token
 */
public record ApiAccess(
    String service,
    String tokenVariable,
    String scopes,
    String headerName,
    String headerValue,
    URI origin) {
  public ApiAccess {
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(tokenVariable, "tokenVariable");
    Objects.requireNonNull(scopes, "scopes");
    Objects.requireNonNull(headerName, "headerName");
    Objects.requireNonNull(headerValue, "headerValue");
    Objects.requireNonNull(origin, "origin");
  }

  /** Whether a request to {@code uri} may carry the token: it goes to the API's origin. */
  public boolean trusts(URI uri) {
    return HttpTransport.sameOrigin(origin, uri);
  }

  /**
   * The access a provider's environment gives: the token in {@code variable}, sent as {@code
   * header: prefix + token} to {@code api}'s origin only. Fails at once, before any request, when
   * the token is missing or cannot be sent as a header value (a line break, the README's {@code …}
   * placeholder); the message never holds the token.
   *
   * @param kind what sort of token to create, for the message ("a Buildkite API token")
   */
  public static ApiAccess fromEnv(
      Map<String, String> env,
      String service,
      String variable,
      String kind,
      String scopes,
      String header,
      String prefix,
      String api) {
    String token = env.getOrDefault(variable, "").trim();
    if (token.isEmpty()) {
      throw new DestillException.BadInput("set " + variable + " to " + kind + " with " + scopes);
    }
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      // Tokens are printable ASCII; anything else is a paste gone wrong, and would make the HTTP
      // client throw with the header value in its message.
      if (c < 0x21 || c > 0x7e) {
        throw new DestillException.BadInput(
            variable
                + " is not a valid token: it holds "
                + (c == '\n' || c == '\r' ? "a line break" : c <= 0x20 ? "a space" : "a character")
                + " that no token has (character "
                + (i + 1)
                + " of "
                + token.length()
                + "); set it to "
                + kind);
      }
    }
    return new ApiAccess(service, variable, scopes, header, prefix + token, URI.create(api));
  }

  /**
   * The API base URL from {@code variable}, or {@code fallback}; without a trailing slash. A URL
   * that is not absolute http(s), or that holds credentials ({@code user:password@}), is refused
   * without echoing them: the token variable is the only place for a secret.
   */
  public static String baseUrl(Map<String, String> env, String variable, String fallback) {
    String base = env.getOrDefault(variable, "");
    if (base.isBlank()) {
      base = fallback;
    }
    base = base.trim();
    base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    URI uri;
    try {
      uri = new URI(base);
    } catch (URISyntaxException e) {
      throw new DestillException.BadInput(
          variable + " is not a URL: " + Targets.redact(base) + " (expected https://HOST/PATH)");
    }
    String scheme =
        uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
    if (!(scheme.equals("https") || scheme.equals("http")) || uri.getHost() == null) {
      throw new DestillException.BadInput(
          variable
              + " is not an http(s) URL: "
              + Targets.redact(base)
              + " (expected https://HOST/PATH)");
    }
    if (uri.getRawUserInfo() != null) {
      throw new DestillException.BadInput(
          variable
              + " holds credentials ("
              + Targets.redact(base)
              + "): remove them; the token belongs in its own variable");
    }
    return base;
  }

  @Override
  public String toString() {
    return "ApiAccess[" + service + ", " + tokenVariable + ", " + origin + "]";
  }
}
