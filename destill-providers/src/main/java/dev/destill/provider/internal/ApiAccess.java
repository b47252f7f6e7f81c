package dev.destill.provider.internal;

import dev.destill.core.DestillException;
import java.util.Map;
import java.util.Objects;

/**
 * How to authenticate to one CI API and how to explain failures to the user.
 *
 * @param service the service's name in messages ("GitHub")
 * @param tokenVariable the environment variable that holds the token
 * @param scopes what the token needs, in words ("read_builds, read_build_logs and read_artifacts
 *     scopes")
 * @param headerName the header that carries the token
 * @param headerValue the header's value (a secret: never printed)
 */
public record ApiAccess(
    String service, String tokenVariable, String scopes, String headerName, String headerValue) {
  public ApiAccess {
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(tokenVariable, "tokenVariable");
    Objects.requireNonNull(scopes, "scopes");
    Objects.requireNonNull(headerName, "headerName");
    Objects.requireNonNull(headerValue, "headerValue");
  }

  /**
   * The access a provider's environment gives: the token in {@code variable}, sent as {@code
   * header: prefix + token}. Fails at once, before any request, when the token is missing.
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
      String prefix) {
    String token = env.getOrDefault(variable, "").trim();
    if (token.isEmpty()) {
      throw new DestillException.BadInput("set " + variable + " to " + kind + " with " + scopes);
    }
    return new ApiAccess(service, variable, scopes, header, prefix + token);
  }

  /** The API base URL from {@code variable}, or {@code fallback}; without a trailing slash. */
  public static String baseUrl(Map<String, String> env, String variable, String fallback) {
    String base = env.getOrDefault(variable, "");
    if (base.isBlank()) {
      base = fallback;
    }
    base = base.trim();
    return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
  }

  @Override
  public String toString() {
    return "ApiAccess[" + service + ", " + tokenVariable + "]";
  }
}
