package dev.destill.core.provider;

import java.util.Locale;
import java.util.Objects;

/**
 * Which provider a build came from, as a type rather than a bare string: {@link #LOCAL} for local
 * files, and the CI services by their short name.
 *
 * @param name the provider's short name, lower case ("local", "buildkite", "github", "gitlab")
 */
public record ProviderId(String name) {
  /** Local log files and standard input. */
  public static final ProviderId LOCAL = new ProviderId("local");

  public static final ProviderId BUILDKITE = new ProviderId("buildkite");
  public static final ProviderId GITHUB = new ProviderId("github");
  public static final ProviderId GITLAB = new ProviderId("gitlab");

  public ProviderId {
    Objects.requireNonNull(name, "name");
    if (name.isBlank() || !name.equals(name.toLowerCase(Locale.ROOT))) {
      throw new IllegalArgumentException("a provider id is a lower-case name, was '" + name + "'");
    }
  }

  /** Whether builds of this provider are local files, which may be read together as one build. */
  public boolean isLocal() {
    return equals(LOCAL);
  }

  @Override
  public String toString() {
    return name;
  }
}
