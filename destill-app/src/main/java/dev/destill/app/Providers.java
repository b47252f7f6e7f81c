package dev.destill.app;

import dev.destill.app.local.LocalFilesProvider;
import dev.destill.core.ErrorPolicy;
import dev.destill.core.model.JobState;
import dev.destill.core.provider.CiProvider;
import dev.destill.provider.buildkite.BuildkiteProvider;
import dev.destill.provider.github.GitHubProvider;
import dev.destill.provider.gitlab.GitLabProvider;
import dev.destill.provider.internal.HttpTransport;
import dev.destill.provider.internal.Sleeper;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Composition root for build sources: which providers exist and how they are configured. */
public final class Providers {
  /** Every HTTP request to a CI API has this timeout. */
  public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

  private Providers() {}

  /**
   * Every provider, most specific first; the local-files provider comes last and takes whatever is
   * not a URL. {@code env} supplies tokens and API base URLs.
   */
  public static List<CiProvider> defaults(
      Map<String, String> env, JobState localState, InputStream stdin) {
    List<CiProvider> all = new ArrayList<>(remote(env));
    all.add(new LocalFilesProvider(localState, stdin));
    return List.copyOf(all);
  }

  /**
   * The CI providers alone, for what arrives over the network (distributed mode): a path in a
   * request must never read files of the host that runs the agent.
   */
  public static List<CiProvider> remote(Map<String, String> env) {
    return remote(env, ErrorPolicy.INTERACTIVE.transientBudget());
  }

  /**
   * The CI providers alone, whose transient failures (5xx, timeouts) are retried within {@code
   * budget}: an agent waits longer for a provider than a person at a terminal.
   */
  public static List<CiProvider> remote(Map<String, String> env, ErrorPolicy.Budget budget) {
    HttpTransport http =
        HttpTransport.lazy(Clock.systemUTC(), Sleeper.REAL, REQUEST_TIMEOUT, budget);
    return List.of(
        new BuildkiteProvider(http, env),
        new GitHubProvider(http, env),
        new GitLabProvider(http, env));
  }
}
