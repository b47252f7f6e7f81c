package dev.destill.live.otlp;

import dev.destill.live.record.LiveRecord;
import dev.destill.live.record.Severities;
import dev.destill.live.record.StreamKey;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns an OTLP logs request into live records: streams from each resource ({@link
 * StreamKey#ofResource}), severity from {@code SeverityNumber}/{@code SeverityText}, the body as
 * text, attributes and trace ids kept. Records with nothing to say (no body, no attributes, no
 * event name) are rejected and counted, as OTLP's partial success reports them. Pure; thread-safe.
 */
public final class OtlpRecords {
  private static final HexFormat HEX = HexFormat.of();

  private OtlpRecords() {}

  /** What a request held: the records taken, and how many were rejected and why. */
  public record Decoded(List<LiveRecord> records, long rejected, String reason) {
    public Decoded {
      records = List.copyOf(records);
    }
  }

  /** Records in a request; {@code now} stands in for records without a time. */
  public static int count(ExportLogsServiceRequest request) {
    int n = 0;
    for (ResourceLogs rl : request.getResourceLogsList()) {
      for (ScopeLogs sl : rl.getScopeLogsList()) {
        n += sl.getLogRecordsCount();
      }
    }
    return n;
  }

  /** Decodes {@code request}; {@code now} is the time of records that carry none. */
  public static Decoded decode(ExportLogsServiceRequest request, Instant now) {
    List<LiveRecord> out = new ArrayList<>(count(request));
    long rejected = 0;
    for (ResourceLogs rl : request.getResourceLogsList()) {
      Map<String, String> resource = attributes(rl.getResource().getAttributesList());
      StreamKey stream = StreamKey.ofResource(resource);
      for (ScopeLogs sl : rl.getScopeLogsList()) {
        for (LogRecord r : sl.getLogRecordsList()) {
          String body = text(r.getBody());
          if (body.isEmpty() && r.getAttributesCount() == 0 && r.getEventName().isEmpty()) {
            rejected++;
            continue;
          }
          if (body.isEmpty()) {
            body = r.getEventName();
          }
          out.add(
              new LiveRecord(
                  time(r, now),
                  stream,
                  Severities.otlp(r.getSeverityNumberValue(), r.getSeverityText()),
                  body,
                  attributes(r.getAttributesList()),
                  r.getTraceId().isEmpty() ? "" : HEX.formatHex(r.getTraceId().toByteArray()),
                  r.getSpanId().isEmpty() ? "" : HEX.formatHex(r.getSpanId().toByteArray())));
        }
      }
    }
    return new Decoded(
        out,
        rejected,
        rejected == 0 ? "" : rejected + " log records had no body, attributes or event name");
  }

  private static Instant time(LogRecord r, Instant now) {
    long nanos = r.getTimeUnixNano() != 0 ? r.getTimeUnixNano() : r.getObservedTimeUnixNano();
    if (nanos == 0) {
      return now;
    }
    // Unsigned in the protocol; a value past 2262 reads as negative and is not believed.
    if (nanos < 0) {
      return now;
    }
    return Instant.ofEpochSecond(nanos / 1_000_000_000L, nanos % 1_000_000_000L);
  }

  static Map<String, String> attributes(List<KeyValue> kvs) {
    Map<String, String> m = new LinkedHashMap<>();
    for (KeyValue kv : kvs) {
      if (m.size() == LiveRecord.MAX_ATTRIBUTES) {
        break;
      }
      m.put(kv.getKey(), text(kv.getValue()));
    }
    return m;
  }

  /** An OTLP value as text: strings as they are, other scalars as JSON writes them. */
  static String text(AnyValue v) {
    StringBuilder b = new StringBuilder();
    write(v, b, false, 0);
    return b.toString();
  }

  private static void write(AnyValue v, StringBuilder b, boolean quoted, int depth) {
    if (b.length() > LiveRecord.MAX_BODY_CHARS || depth > 16) {
      return;
    }
    switch (v.getValueCase()) {
      case STRING_VALUE -> {
        if (quoted) {
          quote(v.getStringValue(), b);
        } else {
          b.append(v.getStringValue());
        }
      }
      case BOOL_VALUE -> b.append(v.getBoolValue());
      case INT_VALUE -> b.append(v.getIntValue());
      case DOUBLE_VALUE -> b.append(v.getDoubleValue());
      case BYTES_VALUE -> {
        String s = Base64.getEncoder().encodeToString(v.getBytesValue().toByteArray());
        if (quoted) {
          quote(s, b);
        } else {
          b.append(s);
        }
      }
      case ARRAY_VALUE -> {
        b.append('[');
        List<AnyValue> values = v.getArrayValue().getValuesList();
        for (int i = 0; i < values.size(); i++) {
          if (i > 0) {
            b.append(',');
          }
          write(values.get(i), b, true, depth + 1);
        }
        b.append(']');
      }
      case KVLIST_VALUE -> {
        b.append('{');
        List<KeyValue> values = v.getKvlistValue().getValuesList();
        for (int i = 0; i < values.size(); i++) {
          if (i > 0) {
            b.append(',');
          }
          quote(values.get(i).getKey(), b);
          b.append(':');
          write(values.get(i).getValue(), b, true, depth + 1);
        }
        b.append('}');
      }
      default -> {
        if (quoted) {
          b.append("null");
        }
      }
    }
  }

  private static void quote(String s, StringBuilder b) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    b.append('"');
  }
}
