package dev.destill.app.serve;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.destill.app.config.Settings;
import dev.destill.app.wiring.Services;
import dev.destill.provider.FakeCiServer;
import dev.destill.provider.FakeCiServer.Reply;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A {@code destill serve} on a free loopback port, in this process, with every webhook configured,
 * a write token, and a fake CI API (GitHub, Buildkite and GitLab) that its providers read. Also the
 * HTTP client the tests speak to it with.
 */
final class ServeFixture implements AutoCloseable {
  static final String TOKEN = "srv-write-token-0123456789";
  static final String READ_TOKEN = "srv-read-token-0123456789";
  static final String GITHUB_SECRET = "gh-webhook-secret-0123456789";
  static final String BUILDKITE_SECRET = "bk-webhook-token-0123456789";
  static final String GITLAB_TOKEN = "gl-webhook-token-0123456789";
  static final ObjectMapper JSON = new ObjectMapper();

  /** The failed GitHub job of the recorded workflow_job sample, served by the fake API. */
  static final String GITHUB_REPO = "/repos/Codertocat/Hello-World";

  static final String GITHUB_RUN = "2202229078";
  static final String GITHUB_JOB = "289782451";
  static final String GITHUB_ERROR =
      "src/lint.ts(12,5): error TS2304: Cannot find name 'undefinedThing'.";

  /** The GitLab pipeline of the recorded Pipeline Hook sample. */
  static final String GITLAB_PROJECT = "/api/v4/projects/gitlab-org%2Fgitlab-test";

  static final String GITLAB_ERROR =
      "ERROR: relation \"orders\" does not exist (PG::UndefinedTable)";

  private final FakeCiServer api;
  final Map<String, String> env;
  final Serve serve;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private ServeFixture(FakeCiServer api, Map<String, String> env, Serve serve) {
    this.api = api;
    this.env = env;
    this.serve = serve;
  }

  /** Starts one-process serve with its history in {@code home}, plus {@code extra} settings. */
  static ServeFixture start(Path home, Map<String, String> extra) {
    return start(home, extra, java.util.Optional.empty());
  }

  /** As {@link #start(Path, Map)}, with the live log sources {@code live}. */
  static ServeFixture start(
      Path home,
      Map<String, String> extra,
      java.util.Optional<dev.destill.live.sources.LiveSources.Config> live) {
    FakeCiServer api = new FakeCiServer();
    Map<String, String> env = env(api, home, extra);
    try {
      return new ServeFixture(api, env, serve(env, live));
    } catch (RuntimeException e) {
      api.close();
      throw e;
    }
  }

  /** The fake CI API the server's providers read. */
  FakeCiServer ci() {
    return api;
  }

  /** Serve as {@code destill serve --host 127.0.0.1 --port 0} starts it, with {@code env}. */
  static Serve serve(Map<String, String> env) {
    return serve(env, java.util.Optional.empty());
  }

  static Serve serve(
      Map<String, String> env,
      java.util.Optional<dev.destill.live.sources.LiveSources.Config> live) {
    Services services = Services.forProcess(env);
    services =
        services.with(
            services
                .settings()
                .withFlag(Settings.SERVER_HOST, "127.0.0.1")
                .withFlag(Settings.SERVER_PORT, 0));
    return Serve.start(services, services.serverSettings(), List.of(), live);
  }

  static Map<String, String> env(FakeCiServer api, Path home, Map<String, String> extra) {
    Map<String, String> env = new HashMap<>();
    env.put("DESTILL_HOME", home.toString());
    env.put("HOME", home.toString());
    env.put("BUILDKITE_API_URL", api.url() + "/v2");
    env.put("BUILDKITE_API_TOKEN", "bkua_fake_token_value_1234567890");
    env.put("GITHUB_API_URL", api.url());
    env.put("GITHUB_TOKEN", "ghp_fake_token_value_1234567890");
    env.put("GITLAB_API_URL", api.url() + "/api/v4");
    env.put("GITLAB_TOKEN", "glpat-fake-token-value-1234567890");
    env.put(Settings.SERVER_TOKEN.variable(), TOKEN);
    env.put(Settings.GITHUB_WEBHOOK_SECRET.variable(), GITHUB_SECRET);
    env.put(Settings.BUILDKITE_WEBHOOK_SECRET.variable(), BUILDKITE_SECRET);
    env.put(Settings.GITLAB_WEBHOOK_TOKEN.variable(), GITLAB_TOKEN);
    env.putAll(extra);
    env.values().removeIf(String::isEmpty);
    return env;
  }

  String url(String path) {
    return serve.url() + path;
  }

  HttpResponse<String> post(String path, Map<String, String> headers, byte[] body) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url(path)))
            .timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(b::header);
    return send(b.build());
  }

  HttpResponse<String> get(String path, Map<String, String> headers) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(30)).GET();
    headers.forEach(b::header);
    return send(b.build());
  }

  HttpResponse<String> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static JsonNode json(HttpResponse<String> r) {
    try {
      return JSON.readTree(r.body());
    } catch (IOException e) {
      throw new AssertionError("not JSON (" + r.statusCode() + "): " + r.body(), e);
    }
  }

  static JsonNode json(String body) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + body, e);
    }
  }

  /** Polls the analysis until it is complete or failed, and returns its document. */
  JsonNode awaitFinal(String requestId, Duration timeout) {
    AtomicReference<JsonNode> doc = new AtomicReference<>();
    await()
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              HttpResponse<String> r = get("/api/v1/analyses/" + requestId, Map.of());
              if (r.statusCode() != 200) {
                return false;
              }
              JsonNode n = json(r);
              doc.set(n);
              String s = n.path("status").asText();
              return s.equals("complete") || s.equals("failed");
            });
    return doc.get();
  }

  // --- recorded samples, and the builds they name on the fake API -------------------------

  static ObjectNode sample(String name) {
    try (InputStream in = ServeFixture.class.getResourceAsStream("/serve/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing fixture " + name);
      }
      return (ObjectNode) JSON.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] bytes(JsonNode n) {
    try {
      return JSON.writeValueAsBytes(n);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Serves the run and failed job of the workflow_job sample. */
  void serveGitHubRun() {
    FakeCiServer a = ci();
    a.on(
        GITHUB_REPO + "/actions/runs/" + GITHUB_RUN,
        Reply.json(
            """
            {"id":%s,"name":"CI","run_number":7,"status":"completed","conclusion":"failure"}"""
                .formatted(GITHUB_RUN)));
    a.on(
        GITHUB_REPO + "/actions/runs/" + GITHUB_RUN + "/jobs?per_page=100&filter=latest",
        Reply.json(
            """
            {"total_count":1,"jobs":[{"id":%s,"name":"linters","status":"completed",
              "conclusion":"failure"}]}"""
                .formatted(GITHUB_JOB)));
    a.on(
        GITHUB_REPO + "/actions/jobs/" + GITHUB_JOB + "/logs",
        Reply.text(
            "2026-03-14T09:00:00.0000000Z ##[group]Run npm run lint\n"
                + "2026-03-14T09:00:01.0000000Z "
                + GITHUB_ERROR
                + "\n2026-03-14T09:00:02.0000000Z ##[error]Process completed with exit code 2.\n"));
    a.on(
        GITHUB_REPO + "/actions/runs/" + GITHUB_RUN + "/artifacts?per_page=100",
        Reply.json("{\"total_count\":0,\"artifacts\":[]}"));
  }

  /** Serves pipeline 31 of the Pipeline Hook sample, with one failed job. */
  void serveGitLabPipeline() {
    FakeCiServer a = ci();
    a.on(
        GITLAB_PROJECT + "/pipelines/31/jobs?per_page=100",
        Reply.json(
            """
            [{"id":380,"name":"rspec","stage":"test","status":"failed","allow_failure":false,
              "artifacts":[]}]""",
            Map.of("X-Next-Page", "")));
    a.on(
        GITLAB_PROJECT + "/jobs/380/trace",
        Reply.text("$ bundle exec rspec\n" + GITLAB_ERROR + "\nERROR: Job failed: exit code 1\n"));
  }

  /** The Pipeline Hook sample turned into a failed pipeline. */
  static byte[] gitlabFailedPipeline() {
    ObjectNode hook = sample("gitlab-pipeline-hook.json");
    ((ObjectNode) hook.path("object_attributes")).put("status", "failed");
    return bytes(hook);
  }

  /** A Buildkite build.finished body: the sample build object, failed, at {@code webUrl}. */
  static byte[] buildkiteFinished(String webUrl, String buildId, String state) {
    ObjectNode build = sample("buildkite-get-build.json");
    build.put("web_url", webUrl);
    build.put("id", buildId);
    build.put("state", state);
    ObjectNode body = JSON.createObjectNode();
    body.put("event", "build.finished");
    body.set("build", build);
    body.set("pipeline", build.path("pipeline"));
    body.set("sender", JSON.createObjectNode().put("id", "0adfbc27").put("name", "Some Person"));
    return bytes(body);
  }

  static String hmacHex(String secret, byte[]... parts) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      for (byte[] p : parts) {
        mac.update(p);
      }
      return HexFormat.of().formatHex(mac.doFinal());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static Map<String, String> githubHeaders(String event, String delivery, byte[] body) {
    return Map.of(
        "Content-Type",
        "application/json",
        "X-GitHub-Event",
        event,
        "X-GitHub-Delivery",
        delivery,
        "X-Hub-Signature-256",
        "sha256=" + hmacHex(GITHUB_SECRET, body));
  }

  static Map<String, String> buildkiteHeaders(long timestamp, byte[] body) {
    String ts = String.valueOf(timestamp);
    return Map.of(
        "Content-Type", "application/json",
        "X-Buildkite-Event", "build.finished",
        "X-Buildkite-Signature",
            "timestamp="
                + ts
                + ",signature="
                + hmacHex(BUILDKITE_SECRET, (ts + ".").getBytes(StandardCharsets.UTF_8), body));
  }

  static Map<String, String> gitlabHeaders(String event, String uuid) {
    return Map.of(
        "Content-Type", "application/json",
        "X-Gitlab-Event", event,
        "X-Gitlab-Token", GITLAB_TOKEN,
        "X-Gitlab-Event-UUID", uuid);
  }

  static Map<String, String> bearer(String token) {
    return Map.of("Authorization", "Bearer " + token);
  }

  @Override
  public void close() {
    serve.close();
    api.close();
  }
}
