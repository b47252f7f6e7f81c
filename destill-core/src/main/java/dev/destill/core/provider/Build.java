package dev.destill.core.provider;

import dev.destill.core.model.JobState;
import java.util.List;
import java.util.Objects;

/**
 * A resolved build.
 *
 * @param id stable id across runs, such as {@code buildkite:org/pipeline/42}
 * @param provider the provider's {@link CiProvider#name()}
 * @param url the build's web URL, or the local path(s) given
 * @param title a short human title (pipeline and number, or file name)
 * @param state the build's overall state ({@link JobState#RUNNING} while it still runs)
 * @param jobs every job of the build, including those without a log
 */
public record Build(
    String id, String provider, String url, String title, JobState state, List<BuildJob> jobs) {
  public Build {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(provider, "provider");
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(state, "state");
    jobs = List.copyOf(jobs);
  }

  /** The provider's identity as a type. */
  public ProviderId providerId() {
    return new ProviderId(provider);
  }
}
