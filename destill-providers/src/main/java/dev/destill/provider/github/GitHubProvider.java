package dev.destill.provider.github;

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
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GitHub Actions runs: {@code https://HOST/OWNER/REPO/actions/runs/ID}, optionally with {@code
 * /attempts/N} or {@code /job/JOB_ID}. Jobs are listed page by page; each job's log comes from a
 * redirect to storage on another host, fetched without the token. JUnit XML is taken out of the
 * run's artifact zips. GitHub Enterprise works once the user names its API in {@code
 * GITHUB_API_URL} ({@code https://HOST/api/v3}): the token goes to that API only. Thread-safe.
 */
public final class GitHubProvider implements CiProvider {
  public static final String TOKEN = "GITHUB_TOKEN";
  public static final String API_URL = "GITHUB_API_URL";
  static final String SCOPES =
      "the repo scope (classic token) or Actions: read (fine-grained token)";

  private static final Pattern URL =
      Pattern.compile(
          "^https?://([^/]+)/([^/]+)/([^/]+)/actions/runs/(\\d+)(?:/attempts/(\\d+)|/job/(\\d+))?/?(?:[?#].*)?$");
  private static final long MAX_ARTIFACT_BYTES = 256L << 20;
  private static final String PUBLIC_API = "https://api.github.com";
  private static final int MAX_PAGES = 100;

  private final HttpTransport http;
  private final Map<String, String> env;

  public GitHubProvider(HttpTransport http, Map<String, String> env) {
    this.http = http;
    this.env = Map.copyOf(env);
  }

  @Override
  public String name() {
    return "github";
  }

  @Override
  public boolean accepts(String target) {
    return URL.matcher(target.trim()).matches();
  }

  private ApiAccess access() {
    return ApiAccess.fromEnv(
        env,
        "GitHub",
        TOKEN,
        "a GitHub token (job logs are only served to authenticated clients)",
        SCOPES,
        "Authorization",
        "Bearer ",
        api());
  }

  /** The configured API: {@code GITHUB_API_URL}, or the public API. The token goes only there. */
  private String api() {
    return ApiAccess.baseUrl(env, API_URL, PUBLIC_API);
  }

  /**
   * The API for a run on {@code host}. A run on github.com is read through the configured API; a
   * run on any other host only when the user named that host's API in {@code GITHUB_API_URL}:
   * otherwise a link shaped like a run (from a chat, a prompt) would send the token anywhere.
   */
  private String api(String host) {
    if (!host.equalsIgnoreCase("github.com") && env.getOrDefault(API_URL, "").isBlank()) {
      throw new DestillException.BadInput(
          host
              + " is not github.com, and the GitHub token is sent only to "
              + PUBLIC_API
              + ": if "
              + host
              + " is your GitHub Enterprise server, set "
              + API_URL
              + "=https://"
              + host
              + "/api/v3");
    }
    return api();
  }

  @Override
  public Build fetchBuild(String target, Consumer<ProgressEvent> progress) {
    Matcher m = URL.matcher(target.trim());
    if (!m.matches()) {
      throw new DestillException.BadInput(
          "not a GitHub Actions run URL: "
              + Targets.redact(target)
              + " (expected https://github.com/OWNER/REPO/actions/runs/ID)");
    }
    String repo = api(Targets.host(m.group(1))) + "/repos/" + m.group(2) + "/" + m.group(3);
    String runId = m.group(4);
    Optional<String> attempt = Optional.ofNullable(m.group(5));
    Optional<String> onlyJob = Optional.ofNullable(m.group(6));
    ApiAccess access = access();
    JsonNode run = http.getJson(URI.create(repo + "/actions/runs/" + runId), access);
    String jobsUrl =
        repo
            + "/actions/runs/"
            + runId
            + attempt.map(a -> "/attempts/" + a).orElse("")
            + "/jobs?per_page=100"
            + (attempt.isEmpty() ? "&filter=latest" : "");
    List<BuildJob> jobs = new ArrayList<>();
    List<JobState> states = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (HttpTransport.Page page :
        http.pages(URI.create(jobsUrl), access, MAX_PAGES, "jobs of run " + runId, progress)) {
      for (JsonNode j : page.body().path("jobs")) {
        String id = j.path("id").asText();
        if ((onlyJob.isPresent() && !onlyJob.get().equals(id)) || !seen.add(id)) {
          continue; // a job moves to the next page while the run changes: it is listed twice
        }
        String status = j.path("status").asText("");
        String conclusion = j.path("conclusion").asText("");
        JobState state = status.equals("completed") ? States.of(conclusion) : States.of(status);
        boolean hasLog =
            !conclusion.equals("skipped") && !status.equals("queued") && !status.equals("waiting");
        if (hasLog) {
          states.add(state);
        }
        jobs.add(
            new BuildJob(
                new JobInfo(id, j.path("name").asText(id), state, OptionalInt.empty()),
                hasLog,
                Map.of("log", repo + "/actions/jobs/" + id + "/logs")));
      }
    }
    if (onlyJob.isPresent() && jobs.isEmpty()) {
      throw new DestillException.BadInput("run " + runId + " has no job " + onlyJob.get());
    }
    String title =
        m.group(2)
            + "/"
            + m.group(3)
            + " "
            + run.path("name").asText("run")
            + " #"
            + run.path("run_number").asText(runId);
    String runStatus = run.path("status").asText("");
    JobState overall =
        runStatus.equals("completed")
            ? States.of(run.path("conclusion").asText())
            : JobState.RUNNING;
    if (overall == JobState.UNKNOWN) {
      overall = States.overall(states);
    }
    String id = "github:" + m.group(2) + "/" + m.group(3) + "/" + runId;
    List<BuildJob> finished =
        new ArrayList<>(BuildNotes.finish(id, title, overall, jobs, progress));
    // Artifacts belong to the run, not to a job: one extra entry carries them. It is not a job,
    // so it is added after the jobs were counted.
    finished.add(
        new BuildJob(
            new JobInfo(
                "artifacts:" + runId,
                "test reports",
                overall == JobState.PASSED ? JobState.PASSED : JobState.FAILED,
                OptionalInt.empty()),
            false,
            Map.of("artifacts", repo + "/actions/runs/" + runId + "/artifacts?per_page=100")));
    return new Build(id, name(), target, title, overall, finished);
  }

  @Override
  public InputStream openLog(Build build, BuildJob job) {
    try {
      return http.get(URI.create(job.refs().get("log")), access(), "*/*").body();
    } catch (HttpTransport.Gone e) {
      throw BuildNotes.logGone("GitHub", TOKEN, job.info().name(), e);
    }
  }

  /**
   * The newest successful run of the failed run's workflow on its branch ({@code GET
   * /repos/O/R/actions/workflows/ID/runs?branch=B&status=success}, one page), the failed run itself
   * skipped; else on the repository's default branch ({@code GET /repos/O/R}).
   */
  @Override
  public Optional<PassingBuild> lastGreen(String target, Consumer<ProgressEvent> progress) {
    Matcher m = URL.matcher(target.trim());
    if (!m.matches()) {
      throw new DestillException.BadInput(
          "not a GitHub Actions run URL: "
              + Targets.redact(target)
              + " (expected https://github.com/OWNER/REPO/actions/runs/ID)");
    }
    String host = Targets.host(m.group(1));
    String repo = api(host) + "/repos/" + m.group(2) + "/" + m.group(3);
    String runId = m.group(4);
    ApiAccess access = access();
    JsonNode run = http.getJson(URI.create(repo + "/actions/runs/" + runId), access);
    String workflow = run.path("workflow_id").asText("");
    if (!LastGreen.isNumber(workflow)) {
      throw new DestillException.BadInput(
          "GitHub named no workflow for run " + runId + "; its last green run cannot be found");
    }
    String web =
        (target.trim().regionMatches(true, 0, "http://", 0, 7) ? "http://" : "https://")
            + host
            + "/"
            + m.group(2)
            + "/"
            + m.group(3)
            + "/actions/runs/";
    return LastGreen.find(
        run.path("head_branch").asText(""),
        () -> http.getJson(URI.create(repo), access).path("default_branch").asText(""),
        branch -> {
          JsonNode runs =
              http.getJson(
                  URI.create(
                      repo
                          + "/actions/workflows/"
                          + workflow
                          + "/runs?branch="
                          + URLEncoder.encode(branch, StandardCharsets.UTF_8)
                          + "&status=success&per_page="
                          + LastGreen.PER_PAGE),
                  access);
          for (JsonNode r : runs.path("workflow_runs")) {
            String id = r.path("id").asText("");
            // The list is newest first; the failed run is in it when a re-run of it passed.
            if (LastGreen.isNumber(id)
                && !id.equals(runId)
                && r.path("conclusion").asText("").equals("success")) {
              return Optional.of(web + id);
            }
          }
          return Optional.empty();
        });
  }

  @Override
  public TestReports testReports(Build build, BuildJob job) {
    String list = job.refs().get("artifacts");
    if (list == null) {
      return TestReports.NONE;
    }
    ApiAccess access = access();
    List<TestReport> reports = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (HttpTransport.Page page :
        http.pages(URI.create(list), access, 20, "artifacts", w -> warnings.add(message(w)))) {
      for (JsonNode a : page.body().path("artifacts")) {
        if (a.path("expired").asBoolean(false)
            || a.path("size_in_bytes").asLong(0) > MAX_ARTIFACT_BYTES
            || !looksLikeTestArtifact(a.path("name").asText(""))
            || !seen.add(a.path("id").asText())) {
          continue;
        }
        String name = a.path("name").asText();
        Optional<URI> download = apiUrl(a.path("archive_download_url").asText(""), access);
        if (download.isEmpty()) {
          // The URL comes from API data: the token goes to the API only.
          warnings.add(
              "artifact "
                  + name
                  + " has a download URL outside "
                  + HttpTransport.redact(access.origin())
                  + "; skipped, as the token is sent only there");
          continue;
        }
        try (InputStream in = http.get(download.get(), access, "*/*").body()) {
          byte[] zip = SafeZip.readBounded(in, MAX_ARTIFACT_BYTES);
          if (zip == null) {
            warnings.add(
                "artifact "
                    + name
                    + " is larger than "
                    + (MAX_ARTIFACT_BYTES >> 20)
                    + " MB; skipped");
            continue;
          }
          SafeZip.Result r = SafeZip.testReports(name, zip);
          reports.addAll(r.reports());
          warnings.addAll(r.warnings());
        } catch (IOException e) {
          throw new DestillException.Retriable(
              "download of artifact " + name + " failed: " + e.getMessage(), e);
        }
      }
    }
    return new TestReports(reports, warnings);
  }

  private static String message(ProgressEvent event) {
    return event instanceof ProgressEvent.Warning w ? w.message() : event.toString();
  }

  /** {@code url} when it is an absolute URL on the API's origin. */
  private static Optional<URI> apiUrl(String url, ApiAccess access) {
    try {
      URI uri = new URI(url);
      return uri.isAbsolute() && access.trusts(uri) ? Optional.of(uri) : Optional.empty();
    } catch (java.net.URISyntaxException e) {
      return Optional.empty();
    }
  }

  static boolean looksLikeTestArtifact(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return n.contains("test")
        || n.contains("junit")
        || n.contains("surefire")
        || n.contains("report")
        || n.contains("result");
  }
}
