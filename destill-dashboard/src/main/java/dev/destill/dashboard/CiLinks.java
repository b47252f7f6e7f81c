package dev.destill.dashboard;

import dev.destill.server.analysis.Labels;
import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Links to the CI provider, made only from an analysis's own build URL and only to that provider's
 * host: a GitHub Actions run or job, a Buildkite build (and its job, when the URL names one), a
 * GitLab pipeline or job. A GitLab job's link goes to the finding's line ({@code #L42}, the anchor
 * of its job log); GitHub's and Buildkite's log anchors need the step's or job's position, which
 * the analysis does not carry, so their links go to the job (or the build). Anything else (a file
 * upload, another host, {@code javascript:}, user information in the URL) gives no link.
 * Thread-safe (stateless).
 */
final class CiLinks {
  private static final Pattern GITHUB =
      Pattern.compile(
          "^(https?://[^/]+/[^/]+/[^/]+/actions/runs/\\d+(?:/attempts/\\d+|/job/\\d+)?)/?(?:[?#].*)?$");
  private static final Pattern BUILDKITE =
      Pattern.compile(
          "^(https://buildkite\\.com/[^/#?]+/[^/#?]+/builds/\\d+)/?(?:[?][^#]*)?(#[0-9a-fA-F-]{8,})?$");
  private static final Pattern GITLAB =
      Pattern.compile("^(https?://[^/]+/.+?/-/(pipelines|jobs)/\\d+)/?(?:[?#].*)?$");

  private CiLinks() {}

  /** The build (or job) the analysis read, on its provider's host; empty for anything else. */
  static Optional<String> build(String input) {
    return at(input, 0);
  }

  /**
   * The place in CI where a finding's line is: the job log at that line where the provider has an
   * anchor for it, else the job or the build.
   *
   * @param line the finding's first line, 0 when it has none (a JUnit finding)
   */
  static Optional<String> at(String input, long line) {
    String u = input.strip();
    Labels l = Labels.ofUrl(u);
    if (l.provider().isEmpty() || l.provider().equals("upload")) {
      return Optional.empty();
    }
    Optional<String> safe = Html.externalLink(u);
    if (safe.isEmpty()) {
      return Optional.empty();
    }
    String s = safe.get();
    Matcher m;
    switch (l.provider()) {
      case "github" -> {
        m = GITHUB.matcher(s);
        return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
      }
      case "buildkite" -> {
        m = BUILDKITE.matcher(s);
        if (!m.matches()) {
          return Optional.empty();
        }
        return Optional.of(m.group(1) + (m.group(2) == null ? "" : m.group(2)));
      }
      case "gitlab" -> {
        m = GITLAB.matcher(s);
        if (!m.matches()) {
          return Optional.empty();
        }
        boolean job = m.group(2).equals("jobs");
        return Optional.of(m.group(1) + (job && line > 0 ? "#L" + line : ""));
      }
      default -> {
        return Optional.empty();
      }
    }
  }

  /** {@link #at} for every line of one input, the URL read once. */
  static java.util.function.LongFunction<Optional<String>> forInput(String input) {
    Optional<String> base = at(input, 0);
    if (base.isEmpty()) {
      return line -> base;
    }
    boolean lines = !base.get().equals(at(input, 1).orElse(base.get()));
    return line -> lines && line > 0 ? Optional.of(base.get() + "#L" + line) : base;
  }

  /** The host of a link this class made, as the page names it. */
  static String host(String link) {
    String h = URI.create(link).getHost();
    return h == null ? "" : h.toLowerCase(Locale.ROOT);
  }
}
