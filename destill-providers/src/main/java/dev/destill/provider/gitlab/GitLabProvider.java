package dev.destill.provider.gitlab;

import com.fasterxml.jackson.databind.JsonNode;
import dev.destill.core.DestillException;
import dev.destill.core.model.JobInfo;
import dev.destill.core.model.JobState;
import dev.destill.core.model.ProgressEvent;
import dev.destill.core.provider.Build;
import dev.destill.core.provider.BuildJob;
import dev.destill.core.provider.CiProvider;
import dev.destill.core.provider.PassingBuild;
import dev.destill.core.provider.Targets;
import dev.destill.core.provider.TestReport;
import dev.destill.core.provider.TestReports;
import dev.destill.provider.internal.ApiAccess;
import dev.destill.provider.internal.BuildNotes;
import dev.destill.provider.internal.HttpTransport;
import dev.destill.provider.internal.LastGreen;
import dev.destill.provider.internal.SafeZip;
import dev.destill.provider.internal.States;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GitLab CI pipelines and jobs: {@code https://HOST/GROUP/PROJECT/-/pipelines/ID} and {@code
 * .../-/jobs/ID}, on gitlab.com, or on a self-hosted instance whose API the user named in {@code
 * GITLAB_API_URL} (the token goes to that API only). Each job's trace is streamed; JUnit reports
 * come from the job's artifacts archive. Thread-safe.
 */
public final class GitLabProvider implements CiProvider {
  public static final String TOKEN = "GITLAB_TOKEN";
  public static final String API_URL = "GITLAB_API_URL";
  static final String SCOPES = "the read_api scope";

  private static final Pattern URL =
      Pattern.compile("^https?://([^/]+)/(.+?)/-/(pipelines|jobs)/(\\d+)/?(?:[?#].*)?$");
  private static final long MAX_ARCHIVE_BYTES = 256L << 20;
  private static final String PUBLIC_API = "https://gitlab.com/api/v4";

  private final HttpTransport http;
  private final Map<String, String> env;

  public GitLabProvider(HttpTransport http, Map<String, String> env) {
    this.http = http;
    this.env = Map.copyOf(env);
  }

  @Override
  public String name() {
    return "gitlab";
  }

  @Override
  public boolean accepts(String target) {
    return URL.matcher(target.trim()).matches();
  }

  private ApiAccess access(String api) {
    return ApiAccess.fromEnv(
        env,
        "GitLab",
        TOKEN,
        "a GitLab personal or project access token",
        SCOPES,
        "PRIVATE-TOKEN",
        "",
        api);
  }

  /**
   * The API for a pipeline on {@code host}: {@code GITLAB_API_URL}, or gitlab.com's. A self-hosted
   * instance is read only when the user named its API in {@code GITLAB_API_URL}: otherwise a link
   * shaped like a pipeline would send the token to any host.
   */
  private String api(String host) {
    if (!host.equalsIgnoreCase("gitlab.com") && env.getOrDefault(API_URL, "").isBlank()) {
      throw new DestillException.BadInput(
          host
              + " is not gitlab.com, and the GitLab token is sent only to "
              + PUBLIC_API
              + ": if "
              + host
              + " is your GitLab instance, set "
              + API_URL
              + "=https://"
              + host
              + "/api/v4");
    }
    return api();
  }

  /** The configured API: {@code GITLAB_API_URL}, or gitlab.com's. The token goes only there. */
  private String api() {
    return ApiAccess.baseUrl(env, API_URL, PUBLIC_API);
  }

  @Override
  public Build fetchBuild(String target, Consumer<ProgressEvent> progress) {
    Matcher m = URL.matcher(target.trim());
    if (!m.matches()) {
      throw new DestillException.BadInput(
          "not a GitLab pipeline or job URL: "
              + Targets.redact(target)
              + " (expected https://HOST/GROUP/PROJECT/-/pipelines/ID)");
    }
    String projectPath = m.group(2);
    String api = api(Targets.host(m.group(1)));
    String project = api + "/projects/" + URLEncoder.encode(projectPath, StandardCharsets.UTF_8);
    ApiAccess access = access(api);
    List<JsonNode> rawJobs = new ArrayList<>();
    String title;
    String id;
    if (m.group(3).equals("jobs")) {
      rawJobs.add(http.getJson(URI.create(project + "/jobs/" + m.group(4)), access));
      title = projectPath + " job " + m.group(4);
      id = "gitlab:" + projectPath + "/jobs/" + m.group(4);
    } else {
      String jobs = project + "/pipelines/" + m.group(4) + "/jobs?per_page=100";
      Set<String> seen = new HashSet<>();
      for (HttpTransport.Page page :
          http.pages(
              URI.create(jobs),
              access,
              100,
              "jobs of pipeline " + m.group(4),
              progress,
              p -> nextPage(p, jobs))) {
        for (JsonNode j : page.body()) {
          // A job moves to the next page while the pipeline changes: it is listed twice.
          if (seen.add(j.path("id").asText())) {
            rawJobs.add(j);
          }
        }
      }
      title = projectPath + " pipeline #" + m.group(4);
      id = "gitlab:" + projectPath + "/pipelines/" + m.group(4);
    }
    List<BuildJob> jobs = new ArrayList<>();
    List<JobState> states = new ArrayList<>();
    for (JsonNode j : rawJobs) {
      String jobId = j.path("id").asText();
      String status = j.path("status").asText("");
      JobState state = States.of(status);
      if (state == JobState.FAILED && j.path("allow_failure").asBoolean(false)) {
        state = JobState.PASSED; // allowed to fail: not why the pipeline is red
      }
      boolean hasLog =
          !status.equals("created")
              && !status.equals("manual")
              && !status.equals("skipped")
              && !status.equals("pending");
      if (hasLog) {
        states.add(state);
      }
      boolean hasArchive = false;
      for (JsonNode a : j.path("artifacts")) {
        hasArchive |= a.path("file_type").asText("").equals("archive");
      }
      String name =
          j.path("stage").asText("").isEmpty()
              ? j.path("name").asText(jobId)
              : j.path("stage").asText() + ": " + j.path("name").asText(jobId);
      jobs.add(
          new BuildJob(
              new JobInfo(jobId, name, state, OptionalInt.empty()),
              hasLog,
              Map.of(
                  "trace",
                  project + "/jobs/" + jobId + "/trace",
                  "archive",
                  hasArchive ? project + "/jobs/" + jobId + "/artifacts" : "")));
    }
    JobState overall = States.overall(states);
    List<BuildJob> finished = BuildNotes.finish(id, title, overall, jobs, progress);
    return new Build(id, name(), target, title, overall, finished);
  }

  /** The page {@code X-Next-Page} names (only digits are taken), else the {@code Link} header's. */
  private static Optional<URI> nextPage(HttpTransport.Page page, String jobs) {
    String nextPage = page.headers().firstValue("X-Next-Page").orElse("").trim();
    if (nextPage.isEmpty()) {
      return page.nextLink();
    }
    return nextPage.matches("\\d{1,9}")
        ? Optional.of(URI.create(jobs + "&page=" + nextPage))
        : Optional.empty();
  }

  @Override
  public InputStream openLog(Build build, BuildJob job) {
    try {
      return http.get(URI.create(job.refs().get("trace")), access(api()), "text/plain").body();
    } catch (HttpTransport.Gone e) {
      throw BuildNotes.logGone("GitLab", TOKEN, job.info().name(), e);
    }
  }

  /**
   * The newest successful pipeline of the failed pipeline's project on its ref ({@code GET
   * /projects/ID/pipelines?status=success&ref=R}, one page, newest first), the failed pipeline
   * itself skipped; else on the project's default branch ({@code GET /projects/ID}). For a job URL
   * the job's pipeline is the failed one.
   */
  @Override
  public Optional<PassingBuild> lastGreen(String target, Consumer<ProgressEvent> progress) {
    Matcher m = URL.matcher(target.trim());
    if (!m.matches()) {
      throw new DestillException.BadInput(
          "not a GitLab pipeline or job URL: "
              + Targets.redact(target)
              + " (expected https://HOST/GROUP/PROJECT/-/pipelines/ID)");
    }
    String host = Targets.host(m.group(1));
    String projectPath = m.group(2);
    String api = api(host);
    String project = api + "/projects/" + URLEncoder.encode(projectPath, StandardCharsets.UTF_8);
    ApiAccess access = access(api);
    String ref;
    String failed;
    if (m.group(3).equals("jobs")) {
      JsonNode job = http.getJson(URI.create(project + "/jobs/" + m.group(4)), access);
      ref = job.path("ref").asText("");
      failed = job.path("pipeline").path("id").asText("");
    } else {
      JsonNode pipeline = http.getJson(URI.create(project + "/pipelines/" + m.group(4)), access);
      ref = pipeline.path("ref").asText("");
      failed = m.group(4);
    }
    String web =
        (target.trim().regionMatches(true, 0, "http://", 0, 7) ? "http://" : "https://")
            + host
            + "/"
            + projectPath
            + "/-/pipelines/";
    return LastGreen.find(
        ref,
        () -> http.getJson(URI.create(project), access).path("default_branch").asText(""),
        branch -> {
          JsonNode pipelines =
              http.getJson(
                  URI.create(
                      project
                          + "/pipelines?status=success&ref="
                          + URLEncoder.encode(branch, StandardCharsets.UTF_8)
                          + "&per_page="
                          + LastGreen.PER_PAGE),
                  access);
          for (JsonNode p : pipelines) {
            String id = p.path("id").asText("");
            // Newest first (by id); the failed pipeline is in it when its jobs were retried.
            if (LastGreen.isNumber(id)
                && !id.equals(failed)
                && p.path("status").asText("").equals("success")) {
              return Optional.of(web + id);
            }
          }
          return Optional.empty();
        });
  }

  @Override
  public TestReports testReports(Build build, BuildJob job) {
    String archive = job.refs().getOrDefault("archive", "");
    if (archive.isEmpty()) {
      return TestReports.NONE;
    }
    try (InputStream in = http.get(URI.create(archive), access(api()), "*/*").body()) {
      byte[] zip = SafeZip.readBounded(in, MAX_ARCHIVE_BYTES);
      if (zip == null) {
        return new TestReports(
            List.<TestReport>of(),
            List.of(
                "artifacts of "
                    + job.info().name()
                    + " are larger than "
                    + (MAX_ARCHIVE_BYTES >> 20)
                    + " MB; their test reports were skipped"));
      }
      SafeZip.Result r = SafeZip.testReports("artifacts of " + job.info().name(), zip);
      return new TestReports(r.reports(), r.warnings());
    } catch (IOException e) {
      throw new DestillException.Retriable(
          "download of the artifacts of " + job.info().name() + " failed: " + e.getMessage(), e);
    }
  }
}
