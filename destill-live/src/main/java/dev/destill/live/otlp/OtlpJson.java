package dev.destill.live.otlp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import java.io.IOException;
import java.util.Base64;
import java.util.HexFormat;

/**
 * OTLP's JSON encoding: protobuf's JSON mapping (via {@link JsonFormat}) except that trace and span
 * ids are hex, not base64, as the OTLP specification says; unknown fields are ignored. Thread-safe.
 */
public final class OtlpJson {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();
  private static final JsonFormat.Printer PRINTER = JsonFormat.printer();

  private OtlpJson() {}

  /** Why a JSON body is not an OTLP logs request, in one line. */
  public static final class Malformed extends Exception {
    Malformed(String reason) {
      super(reason, null, false, false);
    }
  }

  public static ExportLogsServiceRequest parse(byte[] body) throws Malformed {
    JsonNode tree;
    try {
      tree = JSON.readTree(body);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new Malformed("bad JSON: " + firstLine(e.getOriginalMessage()));
    } catch (IOException e) {
      throw new Malformed("bad JSON: " + firstLine(e.getMessage()));
    }
    if (tree == null || !tree.isObject()) {
      throw new Malformed("the body must be a JSON object (an ExportLogsServiceRequest)");
    }
    for (JsonNode rl : tree.path("resourceLogs")) {
      for (JsonNode sl : field(rl, "scopeLogs", "scope_logs")) {
        for (JsonNode r : field(sl, "logRecords", "log_records")) {
          if (r instanceof ObjectNode o) {
            hexToBase64(o, "traceId", "trace_id");
            hexToBase64(o, "spanId", "span_id");
          }
        }
      }
    }
    ExportLogsServiceRequest.Builder b = ExportLogsServiceRequest.newBuilder();
    try {
      PARSER.merge(tree.toString(), b);
    } catch (InvalidProtocolBufferException e) {
      throw new Malformed("not an OTLP logs request: " + firstLine(e.getMessage()));
    } catch (RuntimeException e) {
      // JsonFormat reports some mismatches (a string where an object belongs) unchecked.
      throw new Malformed("not an OTLP logs request: " + firstLine(String.valueOf(e.getMessage())));
    }
    return b.build();
  }

  public static String print(ExportLogsServiceResponse response) {
    try {
      return PRINTER.omittingInsignificantWhitespace().print(response);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode field(JsonNode n, String camel, String snake) {
    JsonNode v = n.path(camel);
    return v.isMissingNode() ? n.path(snake) : v;
  }

  private static void hexToBase64(ObjectNode o, String camel, String snake) throws Malformed {
    String name = o.has(camel) ? camel : snake;
    JsonNode v = o.get(name);
    if (v == null || !v.isTextual() || v.asText().isEmpty()) {
      return;
    }
    byte[] id;
    try {
      id = HexFormat.of().parseHex(v.asText());
    } catch (IllegalArgumentException e) {
      throw new Malformed(camel + " must be hex: " + firstLine(v.asText()));
    }
    o.set(name, TextNode.valueOf(Base64.getEncoder().encodeToString(id)));
  }

  private static String firstLine(String m) {
    if (m == null) {
      return "";
    }
    int nl = m.indexOf('\n');
    String s = nl < 0 ? m : m.substring(0, nl);
    return s.length() > 200 ? s.substring(0, 200) + "…" : s;
  }
}
