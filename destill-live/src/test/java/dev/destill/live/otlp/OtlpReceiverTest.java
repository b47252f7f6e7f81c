package dev.destill.live.otlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.destill.core.model.Finding;
import dev.destill.core.store.RequestRecord;
import dev.destill.core.store.RequestStatus;
import dev.destill.live.LiveSettings;
import dev.destill.live.TestServer;
import dev.destill.live.sources.LiveSources;
import dev.destill.live.window.WindowPolicy;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporter;
import io.opentelemetry.exporter.otlp.logs.OtlpGrpcLogRecordExporter;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.export.BatchLogRecordProcessor;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.resources.Resource;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The OpenTelemetry Java SDK's own OTLP exporters, gRPC and HTTP/protobuf, against the receiver.
 */
class OtlpReceiverTest {
  private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String SPAN = "00f067aa0ba902b7";

  private static SdkLoggerProvider provider(LogRecordExporter exporter) {
    Resource resource =
        Resource.create(
            Attributes.of(
                AttributeKey.stringKey("service.name"), "checkout",
                AttributeKey.stringKey("service.instance.id"), "pod-7",
                AttributeKey.stringKey("cicd.pipeline.name"), "deploy",
                AttributeKey.stringKey("cicd.pipeline.run.id"), "812"));
    return SdkLoggerProvider.builder()
        .setResource(resource)
        .addLogRecordProcessor(BatchLogRecordProcessor.builder(exporter).build())
        .build();
  }

  private static void emitSteadyStreamWithOneError(Logger log) {
    Context traced =
        Context.root()
            .with(
                Span.wrap(
                    SpanContext.create(
                        TRACE, SPAN, TraceFlags.getSampled(), TraceState.getDefault())));
    for (int i = 0; i < 200; i++) {
      log.logRecordBuilder()
          .setSeverity(Severity.INFO)
          .setBody("order " + i + " placed in 12 ms")
          .emit();
      if (i == 100) {
        log.logRecordBuilder()
            .setSeverity(Severity.ERROR)
            .setSeverityText("ERROR")
            .setBody(
                "payment gateway refused connection: java.net.ConnectException: Connection refused")
            .setAttribute(AttributeKey.stringKey("http.route"), "/pay")
            .setContext(traced)
            .emit();
      }
    }
  }

  private static LiveSources.Config quickWindows(LiveSources.Config c) {
    return c.withLimits(
        c.maxRequestBytes(),
        c.maxRecordsPerRequest(),
        LiveSettings.defaults()
            .withWindows(new WindowPolicy(20, 30, 2_000, Duration.ofMillis(500), 10_000, 2_048)));
  }

  private static void assertOneAnalysisOfTheError(TestServer s) {
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(s.store.recentRequests(10)).hasSize(1));
    RequestRecord r = s.store.recentRequests(10).get(0);
    assertThat(r.target()).isEqualTo("live:checkout/pod-7/deploy/812");
    assertThat(r.status()).isEqualTo(RequestStatus.COMPLETE);
    List<Finding> findings = s.store.findings(r.id());
    assertThat(findings).isNotEmpty();
    Finding top = findings.get(0);
    assertThat(top.message()).contains("payment gateway refused connection");
    assertThat(top.preContext()).isNotEmpty().last().asString().contains("order 100 placed");
    assertThat(top.postContext()).isNotEmpty().first().asString().contains("order 101 placed");
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(s.stats.lines()).isEqualTo(201));
    assertThat(s.stats.counts())
        .allSatisfy(
            c -> {
              assertThat(c.source()).isEqualTo("checkout");
              assertThat(c.stream()).isEqualTo("pod-7/deploy/812");
            })
        .anySatisfy(c -> assertThat(c.level().isError()).isTrue());
  }

  @Test
  void shouldTakeLogsFromTheSdkOverGrpcAndAnalyzeTheWindowAroundTheError() {
    try (TestServer s =
        new TestServer(quickWindows(TestServer.config(Optional.empty())), Optional.empty())) {
      int port = s.live.otlpGrpcPort().orElseThrow();
      OtlpGrpcLogRecordExporter exporter =
          OtlpGrpcLogRecordExporter.builder().setEndpoint("http://127.0.0.1:" + port).build();
      SdkLoggerProvider provider = provider(exporter);
      emitSteadyStreamWithOneError(provider.get("test"));
      assertThat(provider.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
      provider.shutdown().join(10, TimeUnit.SECONDS);

      assertOneAnalysisOfTheError(s);
    }
  }

  @Test
  void shouldTakeLogsFromTheSdkOverHttpWithTheBearerToken() {
    Optional<String> token = Optional.of("s3cret-token");
    try (TestServer s = new TestServer(quickWindows(TestServer.config(token)), token)) {
      OtlpHttpLogRecordExporter exporter =
          OtlpHttpLogRecordExporter.builder()
              .setEndpoint(s.url() + "/v1/logs")
              .addHeader("Authorization", "Bearer s3cret-token")
              .build();
      SdkLoggerProvider provider = provider(exporter);
      emitSteadyStreamWithOneError(provider.get("test"));
      assertThat(provider.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
      provider.shutdown().join(10, TimeUnit.SECONDS);

      assertOneAnalysisOfTheError(s);
    }
  }

  @Test
  void shouldRefuseHttpExportsWithoutTheToken() throws Exception {
    Optional<String> token = Optional.of("s3cret-token");
    try (TestServer s = new TestServer(TestServer.config(token), token)) {
      HttpResponse<String> r =
          TestServer.post(s.url() + "/v1/logs", "application/x-protobuf", new byte[0], "");
      assertThat(r.statusCode()).isEqualTo(401);
      HttpResponse<String> wrong =
          TestServer.post(
              s.url() + "/v1/logs", "application/x-protobuf", new byte[0], "Bearer nope");
      assertThat(wrong.statusCode()).isEqualTo(401);
      assertThat(wrong.body()).contains("wrong bearer token").doesNotContain("s3cret");
    }
  }
}
