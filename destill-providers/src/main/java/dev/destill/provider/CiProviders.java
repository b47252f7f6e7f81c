package dev.destill.provider;

import dev.destill.core.ErrorPolicy;
import dev.destill.core.provider.CiProvider;
import dev.destill.provider.buildkite.BuildkiteProvider;
import dev.destill.provider.github.GitHubProvider;
import dev.destill.provider.gitlab.GitLabProvider;
import dev.destill.provider.internal.HttpTransport;
import dev.destill.provider.internal.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The CI providers of this module, for the composition root: nothing outside needs internals. */
public final class CiProviders {
  private CiProviders() {}

  /**
   * Buildkite, GitHub Actions and GitLab over one HTTP transport whose client is built on first use
   * (local analyses never pay for TLS set-up).
   *
   * @param env the providers' tokens and API base URLs by variable name ({@link
   *     BuildkiteProvider#TOKEN} and so on)
   * @param clock the clock of retry deadlines
   * @param timeout the timeout of every request
   */
  public static List<CiProvider> remote(Map<String, String> env, Clock clock, Duration timeout) {
    return remote(env, clock, timeout, ErrorPolicy.INTERACTIVE.transientBudget());
  }

  /**
   * As {@link #remote(Map, Clock, Duration)}, retrying transient failures within {@code budget} (an
   * agent's is longer than a terminal's).
   */
  public static List<CiProvider> remote(
      Map<String, String> env, Clock clock, Duration timeout, ErrorPolicy.Budget budget) {
    HttpTransport http = HttpTransport.lazy(clock, Sleeper.REAL, timeout, budget);
    return List.of(
        new BuildkiteProvider(http, env),
        new GitHubProvider(http, env),
        new GitLabProvider(http, env));
  }
}
