package dev.destill.app.serve;

import static dev.destill.app.serve.ServeFixture.bearer;
import static dev.destill.app.serve.ServeFixture.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.destill.app.distributed.FakeBuild;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP API end to end with a real client: submitting a URL or a log (gzip too), reading,
 * listing and following an analysis (Server-Sent Events, findings before the end), limits (413,
 * 429), authentication (401, 403), bad JSON (400), health, readiness, metrics, the OpenAPI
 * document, and draining on shutdown.
 */
class ServeApiTest {
  private static final Duration DONE = Duration.ofSeconds(60);
  private static final String LOG =
      "$ mvn -B verify\n"
          + "[ERROR] /work/src/main/java/com/acme/Cart.java:[87,29] cannot find symbol\n"
          + "[ERROR] BUILD FAILURE\n";

  @TempDir Path home;

  private static Map<String, String> write() {
    return Map.of(
        "Authorization", "Bearer " + ServeFixture.TOKEN, "Content-Type", "application/json");
  }

  private static Map<String, String> upload(String type) {
    return Map.of("Authorization", "Bearer " + ServeFixture.TOKEN, "Content-Type", type);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void shouldAnalyzeABuildUrlAndServeTheJsonContract() {
    try (ServeFixture f = ServeFixture.start(home, Map.of())) {
      FakeBuild build = FakeBuild.generate(7, 30_000, 2);
      build.serve(f.ci());

      HttpResponse<String> r =
          f.post("/api/v1/analyses", write(), utf8("{\"url\":\"" + build.url() + "\"}"));

      assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
      String id = json(r).path("request_id").asText();
      assertThat(r.headers().firstValue("Location")).hasValue("/api/v1/analyses/" + id);
      JsonNode doc = f.awaitFinal(id, DONE);
      assertThat(doc.path("request_id").asText()).isEqualTo(id);
      assertThat(doc.path("status").asText()).isEqualTo("complete");
      assertThat(doc.path("input").asText()).isEqualTo(build.url());
      assertThat(doc.path("jobs").size()).isGreaterThanOrEqualTo(2);
      assertThat(doc.path("findings").toString()).contains(build.planted().get(0).text());
      assertThat(doc.has("total_findings")).isTrue();
      assertThat(f.get("/api/v1/analyses/req-unknown", Map.of()).statusCode()).isEqualTo(404);
      assertThat(f.get("/metrics", Map.of()).body())
          .contains("destill_analysis_seconds_count{status=\"complete\"} 1")
          .contains("destill_analyses_submitted_total{via=\"api\"} 1.0");
    }
  }

  @Test
  void shouldAnalyzeAnUploadedGzippedLogUnderItsJobName() throws IOException {
    try (ServeFixture f = ServeFixture.start(home, Map.of())) {
      ByteArrayOutputStream gz = new ByteArrayOutputStream();
      try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
        out.write(utf8(LOG));
      }
      Map<String, String> headers = new HashMap<>(upload("text/plain"));
      headers.put("Content-Encoding", "gzip");

      HttpResponse<String> r =
          f.post("/api/v1/analyses?job=unit-tests&state=failed", headers, gz.toByteArray());

      assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
      JsonNode doc = f.awaitFinal(json(r).path("request_id").asText(), DONE);
      assertThat(doc.path("status").asText()).isEqualTo("complete");
      assertThat(doc.path("jobs").get(0).path("name").asText()).isEqualTo("unit-tests");
      assertThat(doc.path("jobs").get(0).path("state").asText()).isEqualTo("failed");
      assertThat(doc.path("findings").get(0).path("message").asText())
          .contains("cannot find symbol");
    }
  }

  @Test
  void shouldStreamFindingsAsEventsBeforeTheFinalRanking() throws Exception {
    try (GatedBuildkite ci = new GatedBuildkite();
        ServeFixture f = ServeFixture.start(home, Map.of("BUILDKITE_API_URL", ci.apiUrl()))) {
      HttpResponse<String> r =
          f.post(
              "/api/v1/analyses",
              write(),
              utf8("{\"url\":\"" + GatedBuildkite.buildUrl(1) + "\"}"));
      String id = json(r).path("request_id").asText();
      HttpResponse<InputStream> stream =
          f.http.send(
              HttpRequest.newBuilder(URI.create(f.url("/api/v1/analyses/" + id + "/events")))
                  .timeout(Duration.ofSeconds(60))
                  .build(),
              HttpResponse.BodyHandlers.ofInputStream());
      assertThat(stream.statusCode()).isEqualTo(200);
      assertThat(stream.headers().firstValue("Content-Type"))
          .hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
      List<String> events = new ArrayList<>();
      String firstFinding = "";
      try (BufferedReader in =
          new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
        String event = "";
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          if (line.startsWith("event: ")) {
            event = line.substring(7);
            events.add(event);
          } else if (line.startsWith("data: ")
              && event.equals("finding")
              && firstFinding.isEmpty()) {
            firstFinding = line;
            // The log is still held back: the analysis cannot have ended.
            assertThat(json(f.get("/api/v1/analyses/" + id, Map.of())).path("status").asText())
                .isEqualTo("running");
            assertThat(events).doesNotContain("result");
            ci.release();
          } else if (line.startsWith("data: ") && event.equals("result")) {
            assertThat(line).contains("\"status\":\"complete\"").contains("Ledger");
            assertThat(line).as(line).contains("Refund");
          }
        }
      }
      assertThat(firstFinding).contains(GatedBuildkite.FIRST_ERROR);
      assertThat(events).first().isEqualTo("progress");
      assertThat(events).last().isEqualTo("result");
      assertThat(events).contains("finding");
    }
  }

  @Test
  void shouldRefuseTooLargeBodiesWith413() {
    try (ServeFixture f =
        ServeFixture.start(
            home,
            Map.of(
                "DESTILL_SERVER_MAX_BODY_BYTES", "1024", "DESTILL_SERVER_MAX_LOG_BYTES", "2048"))) {
      HttpResponse<String> log = f.post("/api/v1/analyses", upload("text/plain"), new byte[4096]);
      HttpResponse<String> jsonBody =
          f.post("/api/v1/analyses", write(), utf8("{\"url\":\"" + "x".repeat(2000) + "\"}"));
      byte[] hook = new byte[4096];
      HttpResponse<String> webhook =
          f.post("/webhooks/gitlab", ServeFixture.gitlabHeaders("Pipeline Hook", "u"), hook);

      assertThat(log.statusCode()).isEqualTo(413);
      assertThat(jsonBody.statusCode()).isEqualTo(413);
      assertThat(webhook.statusCode()).isEqualTo(413);
      assertThat(json(log).path("error").asText()).contains("2048");
    }
  }

  @Test
  void shouldAnswer429WithRetryAfterWhenTooManyAnalysesWait() {
    try (GatedBuildkite ci = new GatedBuildkite();
        ServeFixture f =
            ServeFixture.start(
                home,
                Map.of(
                    "BUILDKITE_API_URL", ci.apiUrl(),
                    "DESTILL_SERVER_MAX_CONCURRENT", "1",
                    "DESTILL_SERVER_MAX_QUEUED", "1"))) {
      HttpResponse<String> first =
          f.post(
              "/api/v1/analyses",
              write(),
              utf8("{\"url\":\"" + GatedBuildkite.buildUrl(2) + "\"}"));
      HttpResponse<String> second =
          f.post(
              "/api/v1/analyses",
              write(),
              utf8("{\"url\":\"" + GatedBuildkite.buildUrl(3) + "\"}"));

      assertThat(first.statusCode()).isEqualTo(202);
      assertThat(second.statusCode()).isEqualTo(429);
      assertThat(second.headers().firstValue("Retry-After")).isPresent();
      ci.release();
      f.awaitFinal(json(first).path("request_id").asText(), DONE);
      HttpResponse<String> later =
          f.post(
              "/api/v1/analyses",
              write(),
              utf8("{\"url\":\"" + GatedBuildkite.buildUrl(3) + "\"}"));
      assertThat(later.statusCode()).as("room again once the first is done").isEqualTo(202);
    }
  }

  @Test
  void shouldNeedTheWriteTokenForWritesAndTheReadTokenForReadsWhenSet() {
    try (ServeFixture f =
        ServeFixture.start(home, Map.of("DESTILL_SERVER_READ_TOKEN", ServeFixture.READ_TOKEN))) {
      byte[] body = utf8("{\"url\":\"https://buildkite.com/acme/shop/builds/1\"}");
      Map<String, String> noToken = Map.of("Content-Type", "application/json");
      Map<String, String> wrong =
          Map.of("Content-Type", "application/json", "Authorization", "Bearer nope");
      Map<String, String> reader =
          Map.of(
              "Content-Type",
              "application/json",
              "Authorization",
              "Bearer " + ServeFixture.READ_TOKEN);

      HttpResponse<String> missing = f.post("/api/v1/analyses", noToken, body);
      assertThat(missing.statusCode()).isEqualTo(401);
      assertThat(missing.headers().firstValue("WWW-Authenticate")).isPresent();
      assertThat(f.post("/api/v1/analyses", wrong, body).statusCode()).isEqualTo(401);
      assertThat(f.post("/api/v1/analyses", reader, body).statusCode()).isEqualTo(403);
      assertThat(f.get("/api/v1/analyses", Map.of()).statusCode()).isEqualTo(401);
      assertThat(f.get("/api/v1/analyses", bearer("nope")).statusCode()).isEqualTo(401);
      assertThat(f.get("/api/v1/analyses", bearer(ServeFixture.READ_TOKEN)).statusCode())
          .isEqualTo(200);
      assertThat(f.get("/api/v1/analyses", bearer(ServeFixture.TOKEN)).statusCode()).isEqualTo(200);
      assertThat(f.get("/health", Map.of()).statusCode())
          .as("health needs no token")
          .isEqualTo(200);
      assertThat(f.get("/api/v1/analyses", bearer("nope")).body())
          .doesNotContain(ServeFixture.TOKEN)
          .doesNotContain(ServeFixture.READ_TOKEN);
    }
  }

  @Test
  void shouldRefuseWritesWhenNoTokenIsConfigured() {
    try (ServeFixture f = ServeFixture.start(home, Map.of("DESTILL_SERVER_TOKEN", ""))) {
      HttpResponse<String> r =
          f.post("/api/v1/analyses", Map.of("Content-Type", "application/json"), utf8("{}"));
      assertThat(r.statusCode()).isEqualTo(403);
      assertThat(json(r).path("error").asText()).contains("DESTILL_SERVER_TOKEN");
    }
  }

  @Test
  void shouldAnswerBadJsonWith400AndOneLine() {
    try (ServeFixture f = ServeFixture.start(home, Map.of())) {
      HttpResponse<String> broken = f.post("/api/v1/analyses", write(), utf8("{\"url\": "));
      HttpResponse<String> noUrl = f.post("/api/v1/analyses", write(), utf8("{\"link\":\"x\"}"));
      HttpResponse<String> notABuild =
          f.post("/api/v1/analyses", write(), utf8("{\"url\":\"https://example.com/x\"}"));

      assertThat(List.of(broken, noUrl, notABuild))
          .allSatisfy(
              r -> {
                assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
                assertThat(json(r).path("error").asText()).isNotBlank().doesNotContain("\n");
              });
      assertThat(json(broken).path("error").asText()).startsWith("bad JSON");
    }
  }

  @Test
  void shouldListRecentAnalysesFilteredAndPagedOnTheServer() {
    try (ServeFixture f = ServeFixture.start(home, Map.of())) {
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        HttpResponse<String> r =
            f.post("/api/v1/analyses?job=job-" + i, upload("text/plain"), utf8(LOG));
        ids.add(json(r).path("request_id").asText());
      }
      ids.forEach(id -> f.awaitFinal(id, DONE));

      JsonNode page1 = json(f.get("/api/v1/analyses?provider=upload&limit=2", Map.of()));
      JsonNode page2 = json(f.get(page1.path("next").asText(), Map.of()));
      JsonNode github = json(f.get("/api/v1/analyses?provider=github", Map.of()));
      JsonNode complete = json(f.get("/api/v1/analyses?state=complete&limit=100", Map.of()));

      assertThat(page1.path("analyses").size()).isEqualTo(2);
      assertThat(page2.path("analyses").size()).isEqualTo(1);
      assertThat(page2.path("next").isNull()).isTrue();
      List<String> listed = new ArrayList<>();
      page1.path("analyses").forEach(a -> listed.add(a.path("request_id").asText()));
      page2.path("analyses").forEach(a -> listed.add(a.path("request_id").asText()));
      assertThat(listed).containsExactlyInAnyOrderElementsOf(ids);
      assertThat(github.path("analyses").size()).isZero();
      assertThat(complete.path("analyses").size()).isEqualTo(3);
      assertThat(f.get("/api/v1/analyses?state=done", Map.of()).statusCode()).isEqualTo(400);

      JsonNode recurring = json(f.get("/api/v1/failures/recurring", Map.of()));
      assertThat(recurring.path("failures").get(0).path("builds").asInt()).isEqualTo(3);
      assertThat(recurring.path("failures").toString()).contains("cannot find symbol");
    }
  }

  @Test
  void shouldServeHealthReadinessMetricsAndTheOpenApiDocument() {
    try (ServeFixture f = ServeFixture.start(home, Map.of())) {
      f.get("/api/v1/analyses", Map.of());

      assertThat(f.get("/health", Map.of()).body()).isEqualTo("ok");
      assertThat(f.get("/ready", Map.of()).statusCode()).isEqualTo(200);
      String metrics = f.get("/metrics", Map.of()).body();
      assertThat(metrics)
          .contains(
              "destill_http_requests_total{method=\"GET\",route=\"/api/v1/analyses\",status=\"200\"}")
          .contains("destill_analysis_queue_depth");
      JsonNode openapi = json(f.get("/api/v1/openapi.json", Map.of()));
      assertThat(openapi.path("openapi").asText()).startsWith("3.");
      List<String> paths = new ArrayList<>();
      openapi.path("paths").fieldNames().forEachRemaining(paths::add);
      assertThat(paths)
          .as("every route the server answers is documented")
          .containsExactlyInAnyOrder(
              "/api/v1/analyses",
              "/api/v1/analyses/{id}",
              "/api/v1/analyses/{id}/events",
              "/api/v1/failures/recurring",
              "/api/v1/stats",
              "/api/v1/logs",
              "/v1/logs",
              "/api/v1/openapi.json",
              "/webhooks/github",
              "/webhooks/buildkite",
              "/webhooks/gitlab",
              "/health",
              "/ready",
              "/metrics");
      assertThat(openapi.path("paths").path("/api/v1/analyses").has("post")).isTrue();
    }
  }

  @Test
  void shouldLetRequestsInFlightFinishWhenDrainingAndRefuseNewOnes() throws Exception {
    try (ServeFixture f = ServeFixture.start(home, Map.of())) {
      byte[] body = utf8(LOG);
      // A raw socket, so that the request is surely in flight: its head and half its body sent.
      try (Socket socket = new Socket("127.0.0.1", f.serve.port())) {
        OutputStream out = socket.getOutputStream();
        out.write(
            utf8(
                "POST /api/v1/analyses?job=slow HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                    + ServeFixture.TOKEN
                    + "\r\nContent-Type: text/plain\r\nContent-Length: "
                    + body.length
                    + "\r\nConnection: close\r\n\r\n"));
        out.write(body, 0, 10);
        out.flush();
        await().atMost(Duration.ofSeconds(10)).until(() -> f.serve.inFlight() > 0);

        CompletableFuture<Boolean> drained =
            CompletableFuture.supplyAsync(() -> f.serve.stop(Duration.ofSeconds(30)));
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> f.get("/health", Map.of()).statusCode() == 503);
        out.write(body, 10, body.length - 10);
        out.flush();

        String status =
            new BufferedReader(
                    new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))
                .readLine();
        assertThat(status).startsWith("HTTP/1.1 202");
        assertThat(drained.get(30, TimeUnit.SECONDS)).isTrue();
      }
    }
  }
}
