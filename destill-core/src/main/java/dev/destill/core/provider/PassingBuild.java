package dev.destill.core.provider;

import java.util.Objects;

/**
 * The last green build a provider found for a failed one: the newest passing build of the same
 * pipeline or workflow, on the failed build's branch or, when that has none, the default branch.
 *
 * @param url the build's web URL, which the provider accepts as a target
 * @param branch the branch it ran on
 * @param defaultBranch true when the failed build's branch had no green build and this is from the
 *     default branch
 */
public record PassingBuild(String url, String branch, boolean defaultBranch) {
  public PassingBuild {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(branch, "branch");
  }
}
