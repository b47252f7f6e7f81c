package dev.destill.app.serve;

import static dev.destill.app.serve.ServeFixture.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.destill.app.config.Settings;
import dev.destill.app.distributed.FakeBuild;
import dev.destill.app.distributed.TestCluster;
import dev.destill.core.pipeline.AgentMetrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Distributed {@code destill serve}: two replicas over a real Kafka and PostgreSQL with the ingest,
 * analyze and sink agents. A webhook taken by one replica is analyzed by the agents and read from
 * the other; a redelivery to the other replica is known as one; a log uploaded to one replica is
 * cut into chunks by it and read from the other; listings and event streams come from any replica.
 */
class ServeDistributedIT {
  private static TestCluster cluster;
  private static Serve first;
  private static Serve second;
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir static Path home;

  @BeforeAll
  static void start() {
    cluster = TestCluster.start();
    cluster.startIngest();
    cluster.startAnalyze(AgentMetrics.NONE);
    cluster.startSink();
    first = replica();
    second = replica();
  }

  private static Serve replica() {
    Map<String, String> env = new HashMap<>(cluster.env());
    env.put("DESTILL_HOME", home.toString());
    env.put(Settings.SERVER_TOKEN.variable(), ServeFixture.TOKEN);
    env.put(Settings.BUILDKITE_WEBHOOK_SECRET.variable(), ServeFixture.BUILDKITE_SECRET);
    return ServeFixture.serve(env);
  }

  @AfterAll
  static void stop() {
    if (first != null) {
      first.close();
    }
    if (second != null) {
      second.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  private static HttpResponse<String> post(Serve to, String path, Map<String, String> h, byte[] b) {
    HttpRequest.Builder r =
        HttpRequest.newBuilder(URI.create(to.url() + path))
            .POST(HttpRequest.BodyPublishers.ofByteArray(b));
    h.forEach(r::header);
    return send(r.build());
  }

  private static HttpResponse<String> get(Serve from, String path) {
    return send(HttpRequest.newBuilder(URI.create(from.url() + path)).GET().build());
  }

  private static HttpResponse<String> send(HttpRequest r) {
    try {
      return HTTP.send(r, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Test
  void shouldAnalyzeAWebhookTakenByOneReplicaAndServeItFromTheOther() {
    assertThat(first.distributed()).isTrue();
    FakeBuild build = FakeBuild.generate(61, 1_200_000, 4);
    build.serve(cluster.api);
    byte[] body = ServeFixture.buildkiteFinished(build.url(), "build-61", "failed");
    long now = Instant.now().getEpochSecond();

    HttpResponse<String> taken =
        post(first, "/webhooks/buildkite", ServeFixture.buildkiteHeaders(now, body), body);
    HttpResponse<String> redelivered =
        post(second, "/webhooks/buildkite", ServeFixture.buildkiteHeaders(now + 2, body), body);

    assertThat(taken.statusCode()).as(taken.body()).isEqualTo(202);
    assertThat(json(redelivered).path("outcome").asText())
        .as("the other replica knows the delivery")
        .isEqualTo("duplicate");
    String id = json(taken).path("request_id").asText();
    AtomicReference<JsonNode> doc = new AtomicReference<>();
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              HttpResponse<String> r = get(second, "/api/v1/analyses/" + id);
              if (r.statusCode() != 200) {
                return false;
              }
              doc.set(json(r));
              return doc.get().path("status").asText().equals("complete");
            });
    String findings = doc.get().path("findings").toString();
    for (FakeBuild.Planted p : build.planted()) {
      assertThat(findings).contains(p.text().substring(0, 40));
    }
    JsonNode listed = json(get(second, "/api/v1/analyses?provider=buildkite&pipeline=acme/shop"));
    JsonNode mine = null;
    for (JsonNode a : listed.path("analyses")) {
      assertThat(a.path("provider").asText()).isEqualTo("buildkite");
      if (a.path("request_id").asText().equals(id)) {
        mine = a;
      }
    }
    // The other test's build of the same pipeline may be listed too.
    assertThat(mine).as(listed.toString()).isNotNull();
    assertThat(mine.path("status").asText()).isEqualTo("complete");
    assertThat(mine.path("branch").asText()).isEqualTo("main");
    String events = get(first, "/api/v1/analyses/" + id + "/events").body();
    assertThat(events).contains("event: finding").endsWith("\n\n");
    assertThat(events.substring(events.lastIndexOf("event: "))).startsWith("event: result");
    assertThat(get(first, "/api/v1/failures/recurring").statusCode()).isEqualTo(200);
  }

  @Test
  void shouldAcceptABuildUrlOnOneReplicaAndAnUploadOnTheOther() throws IOException {
    FakeBuild build = FakeBuild.generate(62, 20_000, 1);
    build.serve(cluster.api);
    Map<String, String> write =
        Map.of("Authorization", "Bearer " + ServeFixture.TOKEN, "Content-Type", "application/json");
    // Large enough to be cut into several chunks, gzip-compressed on the wire.
    StringBuilder log = new StringBuilder();
    for (int i = 0; i < 40_000; i++) {
      log.append("[step] compiling module ").append(i).append(" of the shop\n");
    }
    log.append(
        "Exception in thread \"main\" java.lang.IllegalStateException: ledger 7 is closed\n");
    log.append("\tat shop.Ledger.post(Ledger.java:42)\n");
    java.io.ByteArrayOutputStream gz = new java.io.ByteArrayOutputStream();
    try (var out = new java.util.zip.GZIPOutputStream(gz)) {
      out.write(log.toString().getBytes(StandardCharsets.UTF_8));
    }

    HttpResponse<String> url =
        post(
            second,
            "/api/v1/analyses",
            write,
            ("{\"url\":\"" + build.url() + "\"}").getBytes(StandardCharsets.UTF_8));
    HttpResponse<String> upload =
        post(
            first,
            "/api/v1/analyses?job=shop-build",
            Map.of(
                "Authorization",
                "Bearer " + ServeFixture.TOKEN,
                "Content-Type",
                "text/plain",
                "Content-Encoding",
                "gzip"),
            gz.toByteArray());

    assertThat(url.statusCode()).isEqualTo(202);
    assertThat(upload.statusCode()).as(upload.body()).isEqualTo(202);
    String id = json(url).path("request_id").asText();
    String uploaded = json(upload).path("request_id").asText();
    assertThat(get(first, "/api/v1/analyses/" + id).statusCode())
        .as("known to the other replica at once")
        .isEqualTo(200);
    assertThat(get(second, "/api/v1/analyses/" + uploaded).statusCode())
        .as("the upload is known to the other replica at once")
        .isEqualTo(200);
    for (String[] read : new String[][] {{id, "first"}, {uploaded, "second"}}) {
      Serve from = read[1].equals("first") ? first : second;
      await()
          .atMost(Duration.ofSeconds(90))
          .until(
              () ->
                  json(get(from, "/api/v1/analyses/" + read[0]))
                      .path("status")
                      .asText()
                      .equals("complete"));
    }
    // A posted build URL is compared with its last green build, as one-process serve does; the
    // fake API has none, and the result says so.
    JsonNode baseline = json(get(first, "/api/v1/analyses/" + id)).path("baseline");
    assertThat(baseline.path("found").asBoolean(true)).as(baseline.toString()).isFalse();
    assertThat(baseline.path("note").asText()).startsWith("the last green build could not be");
    JsonNode doc = json(get(second, "/api/v1/analyses/" + uploaded));
    assertThat(doc.path("findings").toString()).contains("ledger 7 is closed");
    assertThat(doc.path("jobs").get(0).path("name").asText()).isEqualTo("shop-build");
    assertThat(doc.path("jobs").get(0).path("lines").asLong()).isEqualTo(40_002);
    assertThat(json(get(second, "/api/v1/analyses?provider=upload")).path("analyses").size())
        .isEqualTo(1);
    assertThat(get(first, "/ready").statusCode()).isEqualTo(200);
  }
}
