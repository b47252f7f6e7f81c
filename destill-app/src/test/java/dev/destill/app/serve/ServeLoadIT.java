package dev.destill.app.serve;

import static dev.destill.app.serve.ServeFixture.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.destill.app.distributed.FakeBuild;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bounded load on loopback: 100 signed Buildkite webhooks (each then redelivered) and 100 log
 * uploads, sent 16 at a time, all within a minute. None may be lost, none analyzed twice. Prints
 * the figures docs/performance.md records.
 */
class ServeLoadIT {
  private static final int WEBHOOKS = 100;
  private static final int UPLOADS = 100;

  @TempDir Path home;

  private record Sent(String kind, int status, String body, long nanos) {}

  @Test
  void shouldTakeAHundredWebhooksAndAHundredUploadsAndAnalyzeEachOnce() throws Exception {
    try (ServeFixture f =
        ServeFixture.start(
            home,
            Map.of("DESTILL_SERVER_MAX_QUEUED", "1000", "DESTILL_SERVER_MAX_CONCURRENT", "2"))) {
      List<byte[]> hooks = new ArrayList<>();
      for (int i = 0; i < WEBHOOKS; i++) {
        FakeBuild build = FakeBuild.generate(1000 + i, 8_000, 2);
        build.serve(f.ci());
        hooks.add(ServeFixture.buildkiteFinished(build.url(), "load-" + i, "failed"));
      }
      // Warm-up on paths that start no analysis (JIT, class loading, connection pools), so that the
      // figures are those of a running server; a cold server's first answers are slower.
      byte[] passed =
          ServeFixture.buildkiteFinished("https://buildkite.com/acme/shop/builds/1", "p", "passed");
      for (int i = 0; i < 50; i++) {
        assertThat(webhook(f, passed, "warm-up").status()).isEqualTo(200);
        assertThat(f.get("/api/v1/analyses", Map.of()).statusCode()).isEqualTo(200);
      }
      List<Sent> sent = Collections.synchronizedList(new ArrayList<>());
      ExecutorService clients = Executors.newFixedThreadPool(16);
      Instant start = Instant.now();
      List<CompletableFuture<Void>> all = new ArrayList<>();
      for (int i = 0; i < Math.max(WEBHOOKS, UPLOADS); i++) {
        int n = i;
        if (n < WEBHOOKS) {
          all.add(
              CompletableFuture.runAsync(
                  () -> sent.add(webhook(f, hooks.get(n), "webhook")), clients));
        }
        if (n < UPLOADS) {
          all.add(CompletableFuture.runAsync(() -> sent.add(upload(f, n)), clients));
        }
      }
      CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
      // Every webhook once more: a redelivery must not start a second analysis.
      List<CompletableFuture<Void>> again = new ArrayList<>();
      for (byte[] hook : hooks) {
        again.add(
            CompletableFuture.runAsync(() -> sent.add(webhook(f, hook, "redelivery")), clients));
      }
      CompletableFuture.allOf(again.toArray(CompletableFuture[]::new)).join();
      Duration accepting = Duration.between(start, Instant.now());
      clients.shutdown();

      Set<String> ids = new HashSet<>();
      for (Sent s : sent) {
        if (s.kind().equals("redelivery")) {
          assertThat(s.status()).as(s.body()).isEqualTo(200);
          assertThat(json(s.body()).path("outcome").asText()).isEqualTo("duplicate");
        } else {
          assertThat(s.status()).as(s.body()).isEqualTo(202);
          assertThat(ids.add(json(s.body()).path("request_id").asText())).isTrue();
        }
      }
      assertThat(ids).hasSize(WEBHOOKS + UPLOADS);
      assertThat(accepting).isLessThan(Duration.ofMinutes(1));

      await()
          .atMost(Duration.ofMinutes(5))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> listed(f, "complete") + listed(f, "failed") >= ids.size());
      Duration total = Duration.between(start, Instant.now());
      assertThat(listed(f, "failed")).isZero();
      List<String> complete = new ArrayList<>();
      int offset = 0;
      while (true) {
        JsonNode page =
            json(f.get("/api/v1/analyses?state=complete&limit=100&offset=" + offset, Map.of()));
        page.path("analyses").forEach(a -> complete.add(a.path("request_id").asText()));
        if (page.path("next").isNull()) {
          break;
        }
        offset += 100;
      }
      assertThat(complete).as("each analyzed exactly once").hasSize(ids.size());
      assertThat(new HashSet<>(complete)).isEqualTo(ids);

      for (String kind : List.of("webhook", "upload", "redelivery")) {
        List<Long> ms =
            sent.stream()
                .filter(x -> x.kind().equals(kind))
                .map(x -> x.nanos() / 1_000_000)
                .sorted()
                .toList();
        System.out.printf(
            Locale.ROOT,
            "serve load: %s answers p50 %d ms, p99 %d ms, max %d ms%n",
            kind,
            ms.get(ms.size() / 2),
            ms.get((int) (ms.size() * 0.99) - 1),
            ms.get(ms.size() - 1));
      }
      List<Long> answers = sent.stream().map(s -> s.nanos() / 1_000_000).sorted().toList();
      System.out.printf(
          Locale.ROOT,
          "serve load: %d webhooks + %d redeliveries + %d uploads accepted in %.1f s;"
              + " answer p50 %d ms, p99 %d ms, max %d ms; all %d analyses complete after %.1f s"
              + " (%.1f analyses/s)%n",
          WEBHOOKS,
          WEBHOOKS,
          UPLOADS,
          accepting.toMillis() / 1000.0,
          answers.get(answers.size() / 2),
          answers.get((int) (answers.size() * 0.99) - 1),
          answers.get(answers.size() - 1),
          ids.size(),
          total.toMillis() / 1000.0,
          ids.size() / (total.toMillis() / 1000.0));
    }
  }

  private static int listed(ServeFixture f, String state) {
    int n = 0;
    int offset = 0;
    while (true) {
      JsonNode page =
          json(f.get("/api/v1/analyses?state=" + state + "&limit=100&offset=" + offset, Map.of()));
      n += page.path("analyses").size();
      if (page.path("next").isNull()) {
        return n;
      }
      offset += 100;
    }
  }

  private static Sent webhook(ServeFixture f, byte[] body, String kind) {
    long t0 = System.nanoTime();
    HttpResponse<String> r =
        f.post(
            "/webhooks/buildkite",
            ServeFixture.buildkiteHeaders(Instant.now().getEpochSecond(), body),
            body);
    return new Sent(kind, r.statusCode(), r.body(), System.nanoTime() - t0);
  }

  private static Sent upload(ServeFixture f, int n) {
    String log =
        "$ ./gradlew test\n".repeat(20)
            + "FAILED: com.acme.Upload"
            + n
            + "Test > shouldSave FAILED\n    java.lang.AssertionError: expected "
            + n
            + "\nBUILD FAILED in 3s\n";
    long t0 = System.nanoTime();
    HttpResponse<String> r =
        f.send(
            HttpRequest.newBuilder(URI.create(f.url("/api/v1/analyses?job=upload-" + n)))
                .header("Authorization", "Bearer " + ServeFixture.TOKEN)
                .header("Content-Type", "text/plain")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(log, StandardCharsets.UTF_8))
                .build());
    return new Sent("upload", r.statusCode(), r.body(), System.nanoTime() - t0);
  }
}
