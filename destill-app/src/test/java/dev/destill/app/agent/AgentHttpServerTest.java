package dev.destill.app.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.destill.core.DestillException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AgentHttpServerTest {
  private static final String HOST = "127.0.0.1";

  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final PrometheusAgentMetrics metrics = new PrometheusAgentMetrics("analyze");
  private final AtomicBoolean ready = new AtomicBoolean();
  private AgentHttpServer server;

  @BeforeEach
  void startServer() {
    server = AgentHttpServer.start(HOST, 0, metrics, ready::get);
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  @Test
  void shouldAnswerHealthWhileRunning() throws Exception {
    var response = get("/health");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("ok");
  }

  @Test
  void shouldAnswerReadyOnlyWhenTheAgentIsReady() throws Exception {
    var before = get("/ready");
    ready.set(true);
    var after = get("/ready");

    assertThat(before.statusCode()).isEqualTo(503);
    assertThat(before.body()).isEqualTo("not ready");
    assertThat(after.statusCode()).isEqualTo(200);
    assertThat(after.body()).isEqualTo("ready");
  }

  @Test
  void shouldServeMetricsInPrometheusTextFormat() throws Exception {
    metrics.messagesIn("destill.chunks", 3);
    metrics.messagesOut("destill.findings", 2);
    metrics.error("poison");
    metrics.batch(Duration.ofMillis(40));
    metrics.lag("destill.chunks", java.util.OptionalLong.of(11));

    var response = get("/metrics");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValue("text/plain; version=0.0.4; charset=utf-8");
    assertThat(response.body())
        .contains("destill_messages_in_total{agent=\"analyze\",topic=\"destill.chunks\"} 3.0\n")
        .contains("destill_messages_out_total{agent=\"analyze\",topic=\"destill.findings\"} 2.0\n")
        .contains("destill_errors_total{agent=\"analyze\",kind=\"poison\"} 1.0\n")
        .contains("destill_batch_seconds_count{agent=\"analyze\"} 1\n")
        .contains("destill_consumer_lag{agent=\"analyze\",topic=\"destill.chunks\"} 11.0\n");
  }

  @Test
  void shouldAnswerUnknownPathsWith404() throws Exception {
    assertThat(get("/").statusCode()).isEqualTo(404);
    assertThat(get("/healthz").statusCode()).isEqualTo(404);
  }

  @Test
  void shouldAnswerOtherMethodsWith405() throws Exception {
    var request =
        HttpRequest.newBuilder(uri("/health"))
            .POST(HttpRequest.BodyPublishers.ofString("x"))
            .build();

    var response = client.send(request, HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(405);
    assertThat(response.headers().firstValue("Allow")).hasValue("GET");
  }

  @Test
  void shouldStopWithinASecond() {
    long start = System.nanoTime();
    server.close();
    long elapsed = System.nanoTime() - start;

    assertThat(Duration.ofNanos(elapsed)).isLessThan(Duration.ofSeconds(1));
    assertThatThrownBy(() -> get("/health")).isInstanceOf(IOException.class);
  }

  @Test
  void shouldExplainInOneLineWhenThePortIsInUse() throws Exception {
    try (var taken = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
      int port = taken.getLocalPort();

      assertThatThrownBy(() -> AgentHttpServer.start(HOST, port, metrics, ready::get))
          .isInstanceOf(DestillException.class)
          .hasMessage(
              "cannot serve health and metrics on 127.0.0.1:"
                  + port
                  + ": address in use (set DESTILL_METRICS_PORT to a free port)");
    }
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return client.send(
        HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create("http://" + HOST + ":" + server.port() + path);
  }
}
