package dev.destill.app.serve;

import static dev.destill.app.serve.ServeFixture.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.destill.live.LiveSettings;
import dev.destill.live.sources.LiveSources;
import dev.destill.live.window.WindowPolicy;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporter;
import io.opentelemetry.exporter.otlp.logs.OtlpGrpcLogRecordExporter;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.export.BatchLogRecordProcessor;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.resources.Resource;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code destill serve} with its live sources, in this process: the OpenTelemetry SDK's OTLP
 * exporters (gRPC and HTTP), util-linux {@code logger} over syslog UDP and TCP, and the log
 * webhook; then {@code GET /api/v1/stats} counts every line and the window around each error is a
 * stored analysis.
 */
class ServeLiveTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path home;

  private static LiveSources.Config live() {
    LiveSources.Config c =
        LiveSources.Config.httpOnly("127.0.0.1", Optional.of(ServeFixture.TOKEN))
            .withPorts(0, 0, 0, -1);
    return c.withLimits(
        c.maxRequestBytes(),
        c.maxRecordsPerRequest(),
        LiveSettings.defaults()
            .withWindows(new WindowPolicy(20, 30, 2_000, Duration.ofMillis(500), 10_000, 2_048)));
  }

  private static void emit(LogRecordExporter exporter, String service) {
    SdkLoggerProvider provider =
        SdkLoggerProvider.builder()
            .setResource(
                Resource.create(
                    Attributes.of(
                        AttributeKey.stringKey("service.name"),
                        service,
                        AttributeKey.stringKey("service.instance.id"),
                        "pod-1")))
            .addLogRecordProcessor(BatchLogRecordProcessor.builder(exporter).build())
            .build();
    Logger log = provider.get("test");
    for (int i = 0; i < 100; i++) {
      log.logRecordBuilder().setSeverity(Severity.INFO).setBody("order " + i + " placed").emit();
      if (i == 50) {
        log.logRecordBuilder()
            .setSeverity(Severity.ERROR)
            .setBody(service + " refused connection: java.net.ConnectException: Connection refused")
            .emit();
      }
    }
    assertThat(provider.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
    provider.shutdown().join(10, TimeUnit.SECONDS);
  }

  private static void logger(String... args) throws Exception {
    Assumptions.assumeTrue(
        Files.isExecutable(Path.of("/usr/bin/logger")), "util-linux logger is not installed");
    List<String> cmd = new ArrayList<>(List.of("/usr/bin/logger"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(out).isZero();
  }

  private static long lines(JsonNode stats, String source) {
    for (JsonNode s : stats.path("sources")) {
      if (s.path("source").asText().equals(source)) {
        return s.path("lines").asLong();
      }
    }
    return 0;
  }

  private static long allLines(JsonNode stats) {
    long n = 0;
    for (JsonNode s : stats.path("sources")) {
      n += s.path("lines").asLong();
    }
    return n;
  }

  @Test
  void shouldCountEveryLiveLineAndStoreTheWindowsAsAnalyses() throws Exception {
    try (ServeFixture f = ServeFixture.start(home, Map.of(), Optional.of(live()))) {
      LiveSources sources = f.serve.live().orElseThrow();
      int grpc = sources.otlpGrpcPort().orElseThrow();
      emit(
          OtlpGrpcLogRecordExporter.builder().setEndpoint("http://127.0.0.1:" + grpc).build(),
          "checkout");
      emit(
          OtlpHttpLogRecordExporter.builder()
              .setEndpoint(f.url("/v1/logs"))
              .addHeader("Authorization", "Bearer " + ServeFixture.TOKEN)
              .build(),
          "billing");
      String udp = String.valueOf(sources.syslog().orElseThrow().udpPort());
      String tcp = String.valueOf(sources.syslog().orElseThrow().tcpPort());
      logger("--rfc5424", "-n", "127.0.0.1", "-P", udp, "-d", "-t", "api", "-p", "user.info", "up");
      logger(
          "--rfc3164", "-n", "127.0.0.1", "-P", tcp, "-T", "-t", "api", "-p", "user.err", "down");
      HttpResponse<String> hook =
          f.post(
              "/api/v1/logs?source=lambda&stream=orders",
              Map.of("Authorization", "Bearer " + ServeFixture.TOKEN, "Content-Type", "text/plain"),
              "started\nstill going\nfinished\n".getBytes(StandardCharsets.UTF_8));
      assertThat(hook.statusCode()).as(hook.body()).isEqualTo(202);
      assertThat(json(hook).path("accepted").asInt()).isEqualTo(3);
      HttpResponse<String> refused =
          f.post(
              "/api/v1/logs",
              Map.of("Content-Type", "text/plain"),
              "x\n".getBytes(StandardCharsets.UTF_8));
      assertThat(refused.statusCode()).isEqualTo(401);

      await()
          .atMost(WAIT)
          .untilAsserted(
              () -> {
                JsonNode stats = json(f.get("/api/v1/stats", Map.of()));
                assertThat(lines(stats, "checkout")).isEqualTo(101);
                assertThat(lines(stats, "billing")).isEqualTo(101);
                assertThat(lines(stats, "lambda")).isEqualTo(3);
                // logger names this host: two syslog lines under one more source.
                assertThat(allLines(stats)).isEqualTo(101 + 101 + 3 + 2);
              });
      JsonNode checkout = json(f.get("/api/v1/stats?source=checkout&hours=1&step=5", Map.of()));
      assertThat(checkout.path("source").asText()).isEqualTo("checkout");
      assertThat(checkout.path("sources")).hasSize(1);
      assertThat(checkout.path("sources").get(0).path("errors").asLong()).isEqualTo(1);
      assertThat(checkout.path("top_templates").toString())
          .contains("\"template\":\"order <n> placed\",\"lines\":100");
      assertThat(checkout.path("new_today").toString()).contains("refused connection");
      assertThat(f.get("/api/v1/stats?hours=0", Map.of()).statusCode()).isEqualTo(400);

      // The window around each OTLP error and the syslog error are stored analyses.
      await()
          .atMost(WAIT)
          .untilAsserted(
              () -> {
                String listing = f.get("/api/v1/analyses?limit=50", Map.of()).body();
                assertThat(listing).contains("live:checkout/pod-1").contains("live:billing/pod-1");
              });
    }
  }

  @Test
  void shouldTurnTheListenersOffAndRefuseHostileOtlpAndGoOnServing() throws Exception {
    LiveSources.Config off = live().withPorts(-1, -1, -1, -1);
    try (ServeFixture f = ServeFixture.start(home, Map.of(), Optional.of(off))) {
      assertThat(f.serve.live().orElseThrow().otlpGrpcPort()).isEmpty();
      assertThat(f.serve.live().orElseThrow().syslog()).isEmpty();
      assertThat(ServeCommand.liveSummary(f.serve)).isEqualTo("POST /v1/logs, /api/v1/logs");

      // Hostile OTLP/HTTP: clear one-line refusals, and the server goes on serving.
      Map<String, String> proto =
          Map.of(
              "Authorization",
              "Bearer " + ServeFixture.TOKEN,
              "Content-Type",
              "application/x-protobuf");
      HttpResponse<String> garbage =
          f.post("/v1/logs", proto, new byte[] {(byte) 0xff, (byte) 0xff, 0x7f, 0x01});
      assertThat(garbage.statusCode()).isEqualTo(400);
      assertThat(garbage.body()).doesNotContain("\tat ").doesNotContain(ServeFixture.TOKEN);
      java.io.ByteArrayOutputStream zipped = new java.io.ByteArrayOutputStream();
      try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(zipped)) {
        gz.write(new byte[9 << 20]);
      }
      Map<String, String> gzip = new java.util.HashMap<>(proto);
      gzip.put("Content-Encoding", "gzip");
      assertThat(f.post("/v1/logs", gzip, zipped.toByteArray()).statusCode()).isEqualTo(413);
      assertThat(f.get("/health", Map.of()).statusCode()).isEqualTo(200);
      assertThat(f.get("/api/v1/stats", Map.of()).statusCode()).isEqualTo(200);
      JsonNode paths = json(f.get("/api/v1/openapi.json", Map.of())).path("paths");
      assertThat(paths.has("/api/v1/stats") && paths.has("/api/v1/logs") && paths.has("/v1/logs"))
          .isTrue();
    }
    assertThat(dev.destill.app.CliRunner.run("serve", "--help").out())
        .contains("--otlp-grpc-port=N|off")
        .contains("--syslog-udp-port=N")
        .contains("--syslog-tcp-port=N")
        .contains("--syslog-tls-port=N")
        .contains("(default: 4317)");
    assertThat(ServeCommand.port("--otlp-grpc-port", "off")).isEqualTo(-1);
    assertThat(ServeCommand.port("--otlp-grpc-port", "4317")).isEqualTo(4317);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> ServeCommand.port("--syslog-udp-port", "70000"))
        .hasMessage("--syslog-udp-port takes a port from 0 to 65535 or off, not '70000'");
  }
}
