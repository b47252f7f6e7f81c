package dev.destill.live.otlp;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.Code;
import dev.destill.live.HttpAccess;
import dev.destill.server.Routes;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import java.util.Locale;
import java.util.Optional;

/**
 * OTLP/HTTP: {@code POST /v1/logs} on the server's port, binary protobuf ({@code
 * application/x-protobuf}) or JSON ({@code application/json}), gzip or not, with the server token
 * as a bearer when one is set. Answers in the request's encoding: the {@code
 * ExportLogsServiceResponse} (with a partial success when records were rejected) or a {@code
 * google.rpc.Status}: 400 malformed, 401 without the token, 413 too large, 415 another type, 503
 * with {@code Retry-After} when the queue is full (which OTLP clients retry). Thread-safe.
 */
public final class OtlpHttpRoutes implements Routes {
  public static final String PATH = "/v1/logs";
  private static final String PROTOBUF = "application/x-protobuf";
  private static final String JSON = "application/json";

  private final OtlpExport export;
  private final HttpAccess access;

  public OtlpHttpRoutes(OtlpExport export, HttpAccess access) {
    this.export = export;
    this.access = access;
  }

  @Override
  public void register(RoutesConfig routes) {
    routes.post(PATH, this::handle);
  }

  private void handle(Context ctx) {
    String type =
        Optional.ofNullable(ctx.contentType()).orElse("").toLowerCase(Locale.ROOT).strip();
    boolean json = type.startsWith(JSON);
    if (!json && !type.startsWith(PROTOBUF)) {
      fail(ctx, false, 415, Code.INVALID_ARGUMENT, "send " + PROTOBUF + " or " + JSON);
      return;
    }
    Optional<String> refused = access.refusal(ctx);
    if (refused.isPresent()) {
      ctx.header("WWW-Authenticate", "Bearer realm=\"destill\"");
      fail(ctx, json, 401, Code.UNAUTHENTICATED, refused.get());
      return;
    }
    byte[] body;
    try {
      body = access.body(ctx);
    } catch (HttpAccess.BodyProblem p) {
      fail(ctx, json, p.status(), Code.INVALID_ARGUMENT, p.getMessage());
      return;
    }
    ExportLogsServiceRequest request;
    try {
      request = json ? OtlpJson.parse(body) : ExportLogsServiceRequest.parseFrom(body);
    } catch (OtlpJson.Malformed e) {
      fail(ctx, true, 400, Code.INVALID_ARGUMENT, e.getMessage());
      return;
    } catch (InvalidProtocolBufferException e) {
      fail(
          ctx, false, 400, Code.INVALID_ARGUMENT, "malformed OTLP logs request: " + e.getMessage());
      return;
    }
    switch (export.export(request)) {
      case OtlpExport.Outcome.Done d -> {
        ctx.status(200);
        if (json) {
          ctx.contentType(JSON).result(OtlpJson.print(d.response()));
        } else {
          ctx.contentType(PROTOBUF).result(d.response().toByteArray());
        }
      }
      case OtlpExport.Outcome.Invalid i -> fail(ctx, json, 400, Code.INVALID_ARGUMENT, i.reason());
      case OtlpExport.Outcome.Retry r -> {
        ctx.header("Retry-After", String.valueOf(Math.max(1, r.retryAfter().toSeconds())));
        fail(ctx, json, 503, Code.UNAVAILABLE, r.reason());
      }
    }
  }

  private static void fail(Context ctx, boolean json, int status, Code code, String message) {
    com.google.rpc.Status s =
        com.google.rpc.Status.newBuilder().setCode(code.getNumber()).setMessage(message).build();
    ctx.status(status);
    if (json) {
      try {
        ctx.contentType(JSON)
            .result(
                com.google.protobuf.util.JsonFormat.printer()
                    .omittingInsignificantWhitespace()
                    .print(s));
      } catch (InvalidProtocolBufferException e) {
        throw new IllegalStateException(e);
      }
    } else {
      ctx.contentType(PROTOBUF).result(s.toByteArray());
    }
  }
}
