package dev.destill.server.analysis;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a listing of analyses can be filtered by: the CI provider, the pipeline (repository or
 * pipeline slug) and the branch. Empty strings where unknown.
 */
public record Labels(String provider, String pipeline, String branch) {
  public static final Labels NONE = new Labels("", "", "");

  private static final Pattern GITHUB =
      Pattern.compile("^https?://[^/]+/([^/]+/[^/]+)/actions/runs/\\d+.*$");
  private static final Pattern BUILDKITE =
      Pattern.compile("^https?://buildkite\\.com/([^/]+/[^/]+)/builds/\\d+.*$");
  private static final Pattern GITLAB =
      Pattern.compile("^https?://[^/]+/(.+?)/-/(?:pipelines|jobs)/\\d+.*$");

  public Labels {
    Objects.requireNonNull(provider, "provider");
    Objects.requireNonNull(pipeline, "pipeline");
    Objects.requireNonNull(branch, "branch");
  }

  /** Provider and pipeline as a build URL tells them (no branch: URLs do not carry one). */
  public static Labels ofUrl(String url) {
    String u = url.trim();
    Matcher m = BUILDKITE.matcher(u);
    if (m.matches()) {
      return new Labels("buildkite", m.group(1), "");
    }
    m = GITHUB.matcher(u);
    if (m.matches()) {
      return new Labels("github", m.group(1), "");
    }
    m = GITLAB.matcher(u);
    if (m.matches()) {
      return new Labels("gitlab", m.group(1), "");
    }
    return new Labels(u.toLowerCase(Locale.ROOT).startsWith("http") ? "" : "upload", "", "");
  }

  /** These labels, with {@code branch} when it is known. */
  public Labels withBranch(String newBranch) {
    return new Labels(provider, pipeline, newBranch == null ? "" : newBranch);
  }
}
