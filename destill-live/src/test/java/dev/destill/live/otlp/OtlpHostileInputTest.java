package dev.destill.live.otlp;

import static dev.destill.live.TestServer.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.rpc.RetryInfo;
import dev.destill.live.BlockingStore;
import dev.destill.live.LiveSettings;
import dev.destill.live.TestServer;
import dev.destill.live.sources.LiveSources;
import dev.destill.live.window.WindowPolicy;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ClientCalls;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.logs.v1.LogsServiceGrpc;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import io.opentelemetry.proto.resource.v1.Resource;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Malformed, oversized, invalid UTF-8 and too many requests: clear answers, and serving goes on.
 */
class OtlpHostileInputTest {

  static ExportLogsServiceRequest request(int records, String body) {
    ScopeLogs.Builder scope = ScopeLogs.newBuilder();
    for (int i = 0; i < records; i++) {
      scope.addLogRecords(
          LogRecord.newBuilder()
              .setSeverityNumber(SeverityNumber.SEVERITY_NUMBER_INFO)
              .setBody(AnyValue.newBuilder().setStringValue(body)));
    }
    return ExportLogsServiceRequest.newBuilder()
        .addResourceLogs(
            ResourceLogs.newBuilder()
                .setResource(
                    Resource.newBuilder()
                        .addAttributes(
                            KeyValue.newBuilder()
                                .setKey("service.name")
                                .setValue(AnyValue.newBuilder().setStringValue("billing"))))
                .addScopeLogs(scope))
        .build();
  }

  /** The request with the bytes of {@code marker} in it replaced by bytes that are not UTF-8. */
  static byte[] invalidUtf8() {
    byte[] b = request(1, "XXXX").toByteArray();
    String s = new String(b, StandardCharsets.ISO_8859_1);
    int at = s.indexOf("XXXX");
    b[at] = (byte) 0xC3;
    b[at + 1] = (byte) 0x28;
    return b;
  }

  private static byte[] garbage() {
    return new byte[] {0x0a, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f, 0x01};
  }

  private static LiveSources.Config small(int maxBytes, int maxRecords) {
    LiveSources.Config c = TestServer.config(Optional.empty());
    return c.withLimits(maxBytes, maxRecords, c.ingest());
  }

  @Test
  void shouldAnswerBadHttpRequestsClearlyAndGoOnServing() throws Exception {
    try (TestServer s = new TestServer(small(64 << 10, 100), Optional.empty())) {
      String url = s.url() + "/v1/logs";
      HttpResponse<String> malformed = post(url, "application/x-protobuf", garbage(), "");
      assertThat(malformed.statusCode()).isEqualTo(400);
      assertThat(
              com.google.rpc.Status.parseFrom(
                      malformed.body().getBytes(StandardCharsets.ISO_8859_1))
                  .getMessage())
          .startsWith("malformed OTLP logs request");

      HttpResponse<String> utf8 = post(url, "application/x-protobuf", invalidUtf8(), "");
      assertThat(utf8.statusCode()).isEqualTo(400);
      assertThat(utf8.body()).contains("UTF-8");

      // Small on the wire, too large once gunzipped: the limit holds after decompression (and the
      // whole body is sent before the answer, so the client always reads it).
      java.io.ByteArrayOutputStream zipped = new java.io.ByteArrayOutputStream();
      try (var gz = new java.util.zip.GZIPOutputStream(zipped)) {
        gz.write(request(10, "x".repeat(10_000)).toByteArray());
      }
      try (var client = java.net.http.HttpClient.newHttpClient()) {
        HttpResponse<String> big =
            client.send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
                    .header("Content-Type", "application/x-protobuf")
                    .header("Content-Encoding", "gzip")
                    .POST(
                        java.net.http.HttpRequest.BodyPublishers.ofByteArray(zipped.toByteArray()))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(big.statusCode()).isEqualTo(413);
      }

      HttpResponse<String> many =
          post(url, "application/x-protobuf", request(101, "ok").toByteArray(), "");
      assertThat(many.statusCode()).isEqualTo(400);
      assertThat(many.body()).contains("at most 100");

      HttpResponse<String> badJson =
          post(url, "application/json", "{\"resourceLogs\": [".getBytes(), "");
      assertThat(badJson.statusCode()).isEqualTo(400);
      assertThat(badJson.body()).contains("bad JSON");

      HttpResponse<String> type = post(url, "text/xml", "<x/>".getBytes(), "");
      assertThat(type.statusCode()).isEqualTo(415);

      HttpResponse<String> good =
          post(url, "application/x-protobuf", request(3, "fine").toByteArray(), "");
      assertThat(good.statusCode()).isEqualTo(200);
      assertThat(s.live.ingest().counters().accepted()).isEqualTo(3);
    }
  }

  @Test
  void shouldTakeOtlpJsonWithHexTraceIdsAndReportPartialSuccess() throws Exception {
    try (TestServer s = new TestServer(TestServer.config(Optional.empty()), Optional.empty())) {
      String json =
          """
          {"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"web"}}]},
           "scopeLogs":[{"logRecords":[
             {"timeUnixNano":"1764662400000000000","severityNumber":17,"severityText":"ERROR",
              "body":{"stringValue":"request failed"},
              "traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174"},
             {"severityNumber":9}
           ]}]}]}
          """;
      HttpResponse<String> r = post(s.url() + "/v1/logs", "application/json", json.getBytes(), "");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).contains("\"rejectedLogRecords\":\"1\"").contains("no body");
      assertThat(s.live.ingest().counters().accepted()).isEqualTo(1);

      HttpResponse<String> badHex =
          post(
              s.url() + "/v1/logs",
              "application/json",
              json.replace("eee19b7ec3c1b174", "not-hex").getBytes(),
              "");
      assertThat(badHex.statusCode()).isEqualTo(400);
      assertThat(badHex.body()).contains("spanId must be hex");
    }
  }

  @Test
  void shouldAnswerBadGrpcRequestsClearlyAndGoOnServing() {
    try (TestServer s = new TestServer(small(64 << 10, 100), Optional.empty())) {
      ManagedChannel ch =
          NettyChannelBuilder.forAddress("127.0.0.1", s.live.otlpGrpcPort().orElseThrow())
              .usePlaintext()
              .build();
      try {
        MethodDescriptor<byte[], ExportLogsServiceResponse> raw =
            LogsServiceGrpc.getExportMethod().toBuilder(new RawBytes(), responses()).build();
        assertThatThrownBy(
                () ->
                    ClientCalls.blockingUnaryCall(ch, raw, io.grpc.CallOptions.DEFAULT, garbage()))
            .isInstanceOfSatisfying(
                StatusRuntimeException.class,
                e -> {
                  assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                  assertThat(e.getStatus().getDescription())
                      .startsWith("malformed OTLP logs request");
                });
        assertThatThrownBy(
                () ->
                    ClientCalls.blockingUnaryCall(
                        ch, raw, io.grpc.CallOptions.DEFAULT, invalidUtf8()))
            .isInstanceOfSatisfying(
                StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getDescription()).contains("UTF-8"));

        var stub = LogsServiceGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS);
        assertThatThrownBy(() -> stub.export(request(10, "x".repeat(10_000))))
            .isInstanceOfSatisfying(
                StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
        assertThatThrownBy(() -> stub.export(request(101, "ok")))
            .isInstanceOfSatisfying(
                StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));

        ExportLogsServiceResponse ok = stub.export(request(3, "fine"));
        assertThat(ok.hasPartialSuccess()).isFalse();
        assertThat(s.live.ingest().counters().accepted()).isEqualTo(3);
      } finally {
        ch.shutdownNow();
      }
    }
  }

  @Test
  void shouldTellSendersToRetryWhenTheQueueIsFull() throws Exception {
    BlockingStore store = new BlockingStore();
    LiveSources.Config c = TestServer.config(Optional.empty());
    // Every error closes its window at once, so the worker is held writing the first one.
    LiveSettings tiny =
        LiveSettings.defaults()
            .withWorkers(1)
            .withQueue(10)
            .withWindows(new WindowPolicy(0, 0, 10, Duration.ofSeconds(5), 100, 512));
    try (TestServer s =
        new TestServer(c.withLimits(c.maxRequestBytes(), 100, tiny), Optional.empty(), store)) {
      ExportLogsServiceRequest error =
          ExportLogsServiceRequest.newBuilder(request(1, "fatal: out of memory"))
              .build()
              .toBuilder()
              .setResourceLogs(
                  0,
                  request(1, "fatal: out of memory").getResourceLogs(0).toBuilder()
                      .setScopeLogs(
                          0,
                          ScopeLogs.newBuilder()
                              .addLogRecords(
                                  LogRecord.newBuilder()
                                      .setSeverityNumber(SeverityNumber.SEVERITY_NUMBER_FATAL)
                                      .setBody(
                                          AnyValue.newBuilder().setStringValue("out of memory")))))
              .build();
      String url = s.url() + "/v1/logs";
      assertThat(post(url, "application/x-protobuf", error.toByteArray(), "").statusCode())
          .isEqualTo(200);
      store.awaitHeld();
      assertThat(
              post(url, "application/x-protobuf", request(10, "fill").toByteArray(), "")
                  .statusCode())
          .isEqualTo(200);

      HttpResponse<String> full =
          post(url, "application/x-protobuf", request(1, "more").toByteArray(), "");
      assertThat(full.statusCode()).isEqualTo(503);
      assertThat(full.headers().firstValue("Retry-After")).hasValue("2");

      ManagedChannel ch =
          NettyChannelBuilder.forAddress("127.0.0.1", s.live.otlpGrpcPort().orElseThrow())
              .usePlaintext()
              .build();
      try {
        var stub = LogsServiceGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS);
        assertThatThrownBy(() -> stub.export(request(1, "more")))
            .isInstanceOfSatisfying(
                StatusRuntimeException.class,
                e -> {
                  assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                  com.google.rpc.Status st = StatusProto.fromThrowable(e);
                  assertThat(st).isNotNull();
                  assertThat(st.getDetailsList())
                      .anySatisfy(
                          d -> {
                            try {
                              assertThat(d.unpack(RetryInfo.class).getRetryDelay().getSeconds())
                                  .isEqualTo(2);
                            } catch (com.google.protobuf.InvalidProtocolBufferException x) {
                              throw new AssertionError(x);
                            }
                          });
                });
        store.release();
        org.awaitility.Awaitility.await()
            .atMost(Duration.ofSeconds(10))
            .untilAsserted(
                () -> assertThat(stub.export(request(1, "again")).isInitialized()).isTrue());
      } finally {
        ch.shutdownNow();
      }
    }
  }

  private static MethodDescriptor.Marshaller<ExportLogsServiceResponse> responses() {
    return io.grpc.protobuf.ProtoUtils.marshaller(ExportLogsServiceResponse.getDefaultInstance());
  }

  /** Sends bytes as they are: a client that writes a broken message. */
  private static final class RawBytes implements MethodDescriptor.Marshaller<byte[]> {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }

  static ByteString unused() {
    return ByteString.EMPTY;
  }
}
