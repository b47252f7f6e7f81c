package dev.destill.live.otlp;

import com.google.protobuf.Duration;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.Code;
import com.google.rpc.RetryInfo;
import dev.destill.core.DestillException;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.logs.v1.LogsServiceGrpc;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OTLP/gRPC: {@code opentelemetry.proto.collector.logs.v1.LogsService/Export} on its own port (4317
 * by default). Malformed protobuf (invalid UTF-8 in a string field included) is answered {@code
 * INVALID_ARGUMENT} with the parser's reason; a message over the size limit {@code
 * RESOURCE_EXHAUSTED} by gRPC itself; a full queue {@code RESOURCE_EXHAUSTED} with a {@code
 * RetryInfo}, which OTLP clients retry after the delay it gives. Thread-safe.
 */
public final class OtlpGrpcReceiver implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OtlpGrpcReceiver.class);

  private final Server server;

  private OtlpGrpcReceiver(Server server) {
    this.server = server;
  }

  /**
   * Binds {@code host:port} (0: any free port) and serves.
   *
   * @param maxMessageBytes the largest request taken
   * @throws DestillException with one line when the port cannot be bound
   */
  public static OtlpGrpcReceiver start(
      String host, int port, OtlpExport export, int maxMessageBytes) {
    // Requests arrive as bytes and are parsed in the handler: a malformed one is then answered
    // INVALID_ARGUMENT with the reason, where a failing marshaller would give gRPC's UNKNOWN.
    MethodDescriptor<byte[], ExportLogsServiceResponse> method =
        LogsServiceGrpc.getExportMethod().toBuilder(new RequestMarshaller(), responses()).build();
    ServerServiceDefinition service =
        ServerServiceDefinition.builder(LogsServiceGrpc.SERVICE_NAME)
            .addMethod(method, ServerCalls.asyncUnaryCall((req, out) -> export(export, req, out)))
            .build();
    Server server =
        NettyServerBuilder.forAddress(new InetSocketAddress(host, port))
            .maxInboundMessageSize(maxMessageBytes)
            .addService(service)
            .build();
    try {
      server.start();
    } catch (IOException e) {
      throw new DestillException(
          "cannot listen for OTLP/gRPC on "
              + host
              + ":"
              + port
              + ": "
              + rootMessage(e)
              + " (set --otlp-grpc-port to a free port, or 0 to turn it off)",
          e);
    }
    return new OtlpGrpcReceiver(server);
  }

  private static void export(
      OtlpExport export, byte[] bytes, StreamObserver<ExportLogsServiceResponse> out) {
    ExportLogsServiceRequest request;
    try {
      request = ExportLogsServiceRequest.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      LOG.debug("malformed OTLP/gRPC request: {}", e.getMessage());
      out.onError(
          Status.INVALID_ARGUMENT
              .withDescription("malformed OTLP logs request: " + e.getMessage())
              .asRuntimeException());
      return;
    }
    switch (export.export(request)) {
      case OtlpExport.Outcome.Done d -> {
        out.onNext(d.response());
        out.onCompleted();
      }
      case OtlpExport.Outcome.Invalid i ->
          out.onError(Status.INVALID_ARGUMENT.withDescription(i.reason()).asRuntimeException());
      case OtlpExport.Outcome.Retry r -> {
        com.google.rpc.Status status =
            com.google.rpc.Status.newBuilder()
                .setCode(Code.RESOURCE_EXHAUSTED_VALUE)
                .setMessage(r.reason())
                .addDetails(
                    com.google.protobuf.Any.pack(
                        RetryInfo.newBuilder()
                            .setRetryDelay(
                                Duration.newBuilder().setSeconds(r.retryAfter().toSeconds()))
                            .build()))
                .build();
        out.onError(StatusProto.toStatusRuntimeException(status));
      }
    }
  }

  /** The bound port. */
  public int port() {
    return server.getPort();
  }

  @Override
  public void close() {
    server.shutdown();
    try {
      if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
        server.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      server.shutdownNow();
    }
  }

  private static MethodDescriptor.Marshaller<ExportLogsServiceResponse> responses() {
    return io.grpc.protobuf.ProtoUtils.marshaller(ExportLogsServiceResponse.getDefaultInstance());
  }

  /** The request's bytes as they came; within the server's inbound message limit. */
  private static final class RequestMarshaller implements MethodDescriptor.Marshaller<byte[]> {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }
}
