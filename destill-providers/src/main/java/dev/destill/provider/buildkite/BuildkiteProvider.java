package dev.destill.provider.buildkite;

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
 * Buildkite builds through the REST API v2: {@code https://buildkite.com/ORG/PIPELINE/builds/N}
 * (with or without {@code #job-id}). Script jobs have logs; waiters, triggers and block steps do
 * not. JUnit XML artifacts are downloaded through the artifact redirect, without the token.
 * Thread-safe.
 */
public final class BuildkiteProvider implements CiProvider {
  public static final String TOKEN = "BUILDKITE_API_TOKEN";
  public static final String API_URL = "BUILDKITE_API_URL";
  static final String SCOPES = "the read_builds, read_build_logs and read_artifacts scopes";

  private static final Pattern URL =
      Pattern.compile(
          "^https?://buildkite\\.com/([^/#?]+)/([^/#?]+)/builds/(\\d+)/?(?:[?][^#]*)?(?:#([0-9a-fA-F-]{8,}))?$");

  private final HttpTransport http;
  private final Map<String, String> env;

  /** How many builds' artifact lists are kept: the jobs of a build ask for it in turn. */
  public static final int ARTIFACT_CACHE_BUILDS = 8;

  // The artifact list of the latest builds, least recently used dropped first: an agent that runs
  // for weeks sees many builds. Listing under the map's lock also lists each build once.
  private final Map<String, List<JsonNode>> artifactsByBuild =
      java.util.Collections.synchronizedMap(
          new java.util.LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, List<JsonNode>> eldest) {
              return size() > ARTIFACT_CACHE_BUILDS;
            }
          });

  public BuildkiteProvider(HttpTransport http, Map<String, String> env) {
    this.http = http;
    this.env = Map.copyOf(env);
  }

  @Override
  public String name() {
    return "buildkite";
  }

  /** How many builds' artifact lists are cached now: at most {@link #ARTIFACT_CACHE_BUILDS}. */
  public int cachedArtifactLists() {
    return artifactsByBuild.size();
  }

  @Override
  public boolean accepts(String target) {
    return target.toLowerCase(Locale.ROOT).matches("^https?://buildkite\\.com/.*");
  }

  private ApiAccess access() {
    return ApiAccess.fromEnv(
        env,
        "Buildkite",
        TOKEN,
        "a Buildkite API token (https://buildkite.com/user/api-access-tokens)",
        SCOPES,
        "Authorization",
        "Bearer ",
        api());
  }

  private String api() {
    return ApiAccess.baseUrl(env, API_URL, "https://api.buildkite.com/v2");
  }

  @Override
  public Build fetchBuild(String target, Consumer<ProgressEvent> progress) {
    Matcher m = URL.matcher(target.trim());
    if (!m.matches()) {
      throw new DestillException.BadInput(
          "not a Buildkite build URL: "
              + Targets.redact(target)
              + " (expected https://buildkite.com/ORG/PIPELINE/builds/NUMBER)");
    }
    String org = m.group(1);
    String pipeline = m.group(2);
    String number = m.group(3);
    Optional<String> onlyJob = Optional.ofNullable(m.group(4));
    ApiAccess access = access();
    String buildPath =
        api() + "/organizations/" + org + "/pipelines/" + pipeline + "/builds/" + number;
    JsonNode build = http.getJson(URI.create(buildPath), access);
    List<BuildJob> jobs = new ArrayList<>();
    List<JobState> states = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (JsonNode j : build.path("jobs")) {
      String type = j.path("type").asText("");
      String id = j.path("id").asText();
      if ((onlyJob.isPresent() && !onlyJob.get().equalsIgnoreCase(id)) || !seen.add(id)) {
        continue;
      }
      String name = j.path("name").asText("");
      if (name.isBlank()) {
        name = j.path("label").asText(j.path("command").asText(type + " " + id));
      }
      JobState state = States.of(j.path("state").asText());
      if (j.path("soft_failed").asBoolean(false)) {
        state = JobState.PASSED; // allowed to fail: not why the build is red
      }
      OptionalInt exit =
          j.path("exit_status").isInt()
              ? OptionalInt.of(j.path("exit_status").asInt())
              : OptionalInt.empty();
      boolean hasLog = type.equals("script");
      if (hasLog) {
        states.add(state);
      }
      jobs.add(
          new BuildJob(
              new JobInfo(id, name, state, exit),
              hasLog,
              Map.of(
                  "log",
                  buildPath + "/jobs/" + id + "/log.txt",
                  "build",
                  buildPath,
                  "type",
                  type)));
    }
    if (onlyJob.isPresent() && jobs.isEmpty()) {
      throw new DestillException.BadInput("build " + number + " has no job " + onlyJob.get());
    }
    String title = org + "/" + pipeline + " #" + number;
    JobState overall = States.of(build.path("state").asText());
    if (overall == JobState.UNKNOWN) {
      overall = States.overall(states);
    }
    String id = "buildkite:" + org + "/" + pipeline + "/" + number;
    List<BuildJob> finished = BuildNotes.finish(id, title, overall, jobs, progress);
    return new Build(id, name(), target, title, overall, finished);
  }

  @Override
  public InputStream openLog(Build build, BuildJob job) {
    try {
      return http.get(URI.create(job.refs().get("log")), access(), "text/plain").body();
    } catch (HttpTransport.Gone e) {
      throw BuildNotes.logGone("Buildkite", TOKEN, job.info().name(), e);
    }
  }

  /**
   * The newest passed build of the failed build's pipeline on its branch ({@code GET
   * /organizations/ORG/pipelines/P/builds?state=passed&branch=B}, one page), the failed build
   * itself skipped; else on the pipeline's default branch ({@code GET
   * /organizations/ORG/pipelines/P}).
   */
  @Override
  public Optional<PassingBuild> lastGreen(String target, Consumer<ProgressEvent> progress) {
    Matcher m = URL.matcher(target.trim());
    if (!m.matches()) {
      throw new DestillException.BadInput(
          "not a Buildkite build URL: "
              + Targets.redact(target)
              + " (expected https://buildkite.com/ORG/PIPELINE/builds/NUMBER)");
    }
    String org = m.group(1);
    String pipeline = m.group(2);
    String number = m.group(3);
    ApiAccess access = access();
    String pipelinePath = api() + "/organizations/" + org + "/pipelines/" + pipeline;
    JsonNode build = http.getJson(URI.create(pipelinePath + "/builds/" + number), access);
    return LastGreen.find(
        build.path("branch").asText(""),
        () -> http.getJson(URI.create(pipelinePath), access).path("default_branch").asText(""),
        branch -> {
          JsonNode builds =
              http.getJson(
                  URI.create(
                      pipelinePath
                          + "/builds?state=passed&branch="
                          + URLEncoder.encode(branch, StandardCharsets.UTF_8)
                          + "&per_page="
                          + LastGreen.PER_PAGE),
                  access);
          for (JsonNode b : builds) {
            String n = b.path("number").asText("");
            // Newest first; a failed build whose jobs were retried until they passed is in it.
            if (LastGreen.isNumber(n)
                && !n.equals(number)
                && b.path("state").asText("").equals("passed")) {
              return Optional.of("https://buildkite.com/" + org + "/" + pipeline + "/builds/" + n);
            }
          }
          return Optional.empty();
        });
  }

  @Override
  public TestReports testReports(Build build, BuildJob job) {
    if (!job.hasLog()) {
      return TestReports.NONE;
    }
    List<String> warnings = new ArrayList<>();
    ApiAccess access = access();
    List<JsonNode> artifacts =
        artifactsByBuild.computeIfAbsent(
            build.id(), k -> listArtifacts(job.refs().get("build"), access, warnings));
    List<TestReport> reports = new ArrayList<>();
    for (JsonNode a : artifacts) {
      String path = a.path("path").asText("");
      if (!a.path("job_id").asText().equals(job.info().id()) || !isTestReport(path)) {
        continue;
      }
      if (a.path("file_size").asLong(0) > SafeZip.MAX_ENTRY_BYTES) {
        warnings.add("test report " + path + " is larger than 64 MB; skipped");
        continue;
      }
      String download =
          job.refs().get("build")
              + "/jobs/"
              + job.info().id()
              + "/artifacts/"
              + a.path("id").asText()
              + "/download";
      try (InputStream in = http.get(URI.create(download), access, "*/*").body()) {
        byte[] data = SafeZip.readBounded(in, SafeZip.MAX_ENTRY_BYTES);
        if (data != null) {
          reports.add(new TestReport(path, data));
        } else {
          warnings.add("test report " + path + " is larger than 64 MB; skipped");
        }
      } catch (IOException e) {
        throw new DestillException.Retriable(
            "download of artifact " + path + " failed: " + e.getMessage(), e);
      }
    }
    return new TestReports(reports, warnings);
  }

  static boolean isTestReport(String path) {
    String p = path.toLowerCase(Locale.ROOT);
    if (!p.endsWith(".xml")) {
      return false;
    }
    String file = p.substring(p.lastIndexOf('/') + 1);
    return file.startsWith("junit")
        || file.startsWith("test")
        || p.contains("test-results")
        || p.contains("test-reports")
        || p.contains("surefire")
        || p.contains("junit")
        || file.contains("report");
  }

  private List<JsonNode> listArtifacts(String buildPath, ApiAccess access, List<String> warnings) {
    List<JsonNode> all = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (HttpTransport.Page page :
        http.pages(
            URI.create(buildPath + "/artifacts?per_page=100"),
            access,
            50,
            "artifacts",
            e -> {
              if (e instanceof ProgressEvent.Warning w) {
                warnings.add(w.message());
              }
            })) {
      for (JsonNode a : page.body()) {
        if (seen.add(a.path("id").asText())) {
          all.add(a);
        }
      }
    }
    return List.copyOf(all);
  }
}
