package dev.destill.live.webhook;

import static dev.destill.live.TestServer.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.destill.core.stats.Level;
import dev.destill.core.stats.LineCount;
import dev.destill.live.TestServer;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LogWebhookRoutesTest {
  private static final Optional<String> TOKEN = Optional.of("hook-token");
  private static final String AUTH = "Bearer hook-token";

  @Test
  void shouldTakeNdjsonTextAndCloudWatchPayloads() throws Exception {
    try (TestServer s = new TestServer(TestServer.config(TOKEN), TOKEN)) {
      String url = s.url() + "/api/v1/logs";
      String ndjson =
          """
          {"message":"payment failed","status":"error","service":"shop","host":"web-1","timestamp":1764662400000,"ddtags":"env:prod"}
          {"msg":"ok","level":"info","service":"shop","host":"web-1"}
          not json
          """;
      HttpResponse<String> r = post(url, "application/x-ndjson", ndjson.getBytes(), AUTH);
      assertThat(r.statusCode()).isEqualTo(202);
      assertThat(r.body())
          .contains("\"accepted\":2")
          .contains("\"rejected\":1")
          .contains("line 3 is not JSON");

      HttpResponse<String> text =
          post(
              url + "?source=ci&stream=job-9",
              "text/plain",
              "compiling\nERROR: linker failed\n".getBytes(),
              AUTH);
      assertThat(text.statusCode()).isEqualTo(202);

      String cloudwatch =
          """
          {"messageType":"DATA_MESSAGE","owner":"123456789012","logGroup":"/aws/lambda/orders",
           "logStream":"2026/12/02/[$LATEST]abc","subscriptionFilters":["all"],
           "logEvents":[{"id":"1","timestamp":1764662400000,"message":"START RequestId: 1"},
                        {"id":"2","timestamp":1764662400001,"message":"ERROR Task timed out after 3.00 seconds"}]}
          """;
      assertThat(post(url, "application/json", cloudwatch.getBytes(), AUTH).statusCode())
          .isEqualTo(202);

      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> assertThat(s.stats.lines()).isEqualTo(6));
      assertThat(s.stats.counts())
          .extracting(LineCount::source, LineCount::stream, LineCount::level)
          .contains(
              org.assertj.core.groups.Tuple.tuple("shop", "web-1", Level.ERROR),
              org.assertj.core.groups.Tuple.tuple("ci", "job-9", Level.ERROR),
              org.assertj.core.groups.Tuple.tuple(
                  "/aws/lambda/orders", "2026/12/02/[$LATEST]abc", Level.ERROR));
    }
  }

  @Test
  void shouldRejectWhatItCannotTakeClearly() throws Exception {
    try (TestServer s = new TestServer(TestServer.config(TOKEN), TOKEN)) {
      String url = s.url() + "/api/v1/logs";
      assertThat(post(url, "text/plain", "x".getBytes(), "").statusCode()).isEqualTo(401);
      assertThat(post(url, "text/plain", "x".getBytes(), "Bearer wrong").statusCode())
          .isEqualTo(401);

      byte[] bad =
          "fine line\nbad \u00ff line\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
      HttpResponse<String> utf8 = post(url, "text/plain", bad, AUTH);
      assertThat(utf8.statusCode()).isEqualTo(202);
      assertThat(utf8.body()).contains("\"accepted\":1").contains("line 2 is not valid UTF-8");

      HttpResponse<String> none = post(url, "application/json", "[1,2]".getBytes(), AUTH);
      assertThat(none.statusCode()).isEqualTo(400);
      assertThat(none.body()).contains("is not a JSON object");

      HttpResponse<String> noMessage =
          post(url, "application/json", "{\"level\":\"error\"}".getBytes(), AUTH);
      assertThat(noMessage.statusCode()).isEqualTo(400);
      assertThat(noMessage.body()).contains("has no message");

      assertThat(post(url, "image/png", new byte[] {1}, AUTH).statusCode()).isEqualTo(415);
      assertThat(post(url, "text/plain", "x".repeat(9 << 20).getBytes(), AUTH).statusCode())
          .isEqualTo(413);

      assertThat(post(url, "text/plain", "still serving".getBytes(), AUTH).statusCode())
          .isEqualTo(202);
    }
  }

  @Test
  void shouldTakeNoWritesWhenTheServerHasNoToken() throws Exception {
    try (TestServer s = new TestServer(TestServer.config(Optional.empty()), Optional.empty())) {
      HttpResponse<String> r = post(s.url() + "/api/v1/logs", "text/plain", "x".getBytes(), "");
      assertThat(r.statusCode()).isEqualTo(403);
      assertThat(r.body()).contains("DESTILL_SERVER_TOKEN");
    }
  }
}
