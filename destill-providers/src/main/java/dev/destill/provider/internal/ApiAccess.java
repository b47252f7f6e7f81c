package dev.destill.provider.internal;

import java.util.Objects;

/**
 * How to authenticate to one CI API and how to explain failures to the user.
 *
 * @param service the service's name in messages ("GitHub")
 * @param tokenVariable the environment variable that holds the token
 * @param scopes what the token needs, in words ("read_builds, read_build_logs and read_artifacts scopes")
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

  @Override
  public String toString() {
    return "ApiAccess[" + service + ", " + tokenVariable + "]";
  }
}
