package dev.destill.live.webhook;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.destill.core.stats.Level;
import dev.destill.live.record.LiveRecord;
import dev.destill.live.record.Severities;
import dev.destill.live.record.StreamKey;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The body of {@code POST /api/v1/logs} as live records: plain text (one record per line),
 * newline-delimited JSON (one object per line), or JSON (an object or an array of them). An object
 * is a log event ({@code message}, {@code level}, {@code timestamp}, {@code service}, {@code
 * host}... in the spellings of common shippers, Datadog's among them) or a CloudWatch Logs
 * subscription payload ({@code logGroup}, {@code logStream}, {@code logEvents}) as a forwarder
 * decoded it. Lines that are not valid UTF-8 or JSON are rejected one by one, with their numbers.
 * Pure; thread-safe.
 */
public final class LogLines {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The most reasons a partial rejection lists. */
  public static final int MAX_REASONS = 5;

  private static final List<String> MESSAGE = List.of("message", "msg", "body", "log", "text");
  private static final List<String> LEVEL =
      List.of("level", "severity", "status", "levelname", "log.level", "severity_text");
  private static final List<String> TIME = List.of("timestamp", "time", "@timestamp", "date", "ts");
  private static final List<String> SOURCE =
      List.of("service.name", "service", "source", "app", "application", "ddsource", "logGroup");
  private static final List<String> STREAM =
      List.of("stream", "host", "hostname", "logStream", "instance", "pod", "container");

  private LogLines() {}

  /** What a body held: the records taken and the lines rejected. */
  public record Parsed(List<LiveRecord> records, int rejected, List<String> reasons) {
    public Parsed {
      records = List.copyOf(records);
      reasons = List.copyOf(reasons);
    }
  }

  /** The defaults for what a body does not say: from the query string. */
  public record Defaults(String source, String stream, Level level) {}

  /** Plain text: each non-blank line a record. */
  public static Parsed text(byte[] body, Defaults d, Instant now) {
    Acc acc = new Acc();
    StreamKey key = new StreamKey(d.source(), d.stream());
    forEachLine(
        body,
        (n, line) -> {
          if (!line.isBlank()) {
            acc.records.add(
                LiveRecord.of(
                    now, key, d.level() == Level.UNKNOWN ? guess(line) : d.level(), line));
          }
        },
        acc);
    return acc.done();
  }

  /** Newline-delimited JSON: each non-blank line an object. */
  public static Parsed ndjson(byte[] body, Defaults d, Instant now) {
    Acc acc = new Acc();
    forEachLine(
        body,
        (n, line) -> {
          if (line.isBlank()) {
            return;
          }
          try {
            JsonNode node = JSON.readTree(line);
            objects(node, d, now, acc, "line " + n);
          } catch (IOException e) {
            acc.reject("line " + n + " is not JSON: " + oneLine(e));
          }
        },
        acc);
    return acc.done();
  }

  /** A JSON object or array. */
  public static Parsed json(byte[] body, Defaults d, Instant now) {
    Acc acc = new Acc();
    try {
      JsonNode node = JSON.readTree(body);
      objects(node, d, now, acc, "the body");
    } catch (IOException e) {
      acc.reject("the body is not JSON: " + oneLine(e));
    }
    return acc.done();
  }

  private static void objects(JsonNode node, Defaults d, Instant now, Acc acc, String where) {
    if (node == null || node.isMissingNode()) {
      return;
    }
    if (node.isArray()) {
      int i = 0;
      for (JsonNode n : node) {
        objects(n, d, now, acc, where + " item " + i++);
      }
      return;
    }
    if (!node.isObject()) {
      acc.reject(where + " is not a JSON object");
      return;
    }
    JsonNode events = node.get("logEvents");
    if (events != null && events.isArray()) {
      // A CloudWatch Logs subscription payload; the control message that checks the
      // subscription has no events.
      StreamKey key =
          new StreamKey(
              node.path("logGroup").asText(d.source()), node.path("logStream").asText(d.stream()));
      for (JsonNode e : events) {
        String message = e.path("message").asText("");
        if (message.isEmpty()) {
          acc.reject(where + ": a log event without a message");
          continue;
        }
        Instant t = time(e.get("timestamp")).orElse(now);
        acc.records.add(
            LiveRecord.of(
                t, key, d.level() == Level.UNKNOWN ? guess(message) : d.level(), message));
      }
      return;
    }
    Optional<String> message = first(node, MESSAGE);
    if (message.isEmpty()) {
      acc.reject(where + " has no message (message, msg, body, log or text)");
      return;
    }
    Level level =
        first(node, LEVEL).map(Severities::text).filter(l -> l != Level.UNKNOWN).orElse(d.level());
    if (level == Level.UNKNOWN) {
      level = guess(message.get());
    }
    Instant t =
        Optional.<JsonNode>empty()
            .or(() -> firstNode(node, TIME))
            .flatMap(LogLines::time)
            .orElse(now);
    StreamKey key =
        new StreamKey(
            first(node, SOURCE).orElse(d.source()), first(node, STREAM).orElse(d.stream()));
    Map<String, String> attributes = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      if (attributes.size() == LiveRecord.MAX_ATTRIBUTES) {
        break;
      }
      String k = f.getKey();
      if (MESSAGE.contains(k) || LEVEL.contains(k) || TIME.contains(k)) {
        continue;
      }
      attributes.put(k, f.getValue().isTextual() ? f.getValue().asText() : f.getValue().toString());
    }
    String trace = node.path("trace_id").asText(node.path("traceId").asText(""));
    String span = node.path("span_id").asText(node.path("spanId").asText(""));
    acc.records.add(new LiveRecord(t, key, level, message.get(), attributes, trace, span));
  }

  /** A line with no level of its own: what its words say, as the engine's keywords do. */
  static Level guess(String line) {
    String l = line.length() > 200 ? line.substring(0, 200) : line;
    if (l.contains("FATAL") || l.contains("PANIC")) {
      return Level.FATAL;
    }
    if (l.contains("ERROR") || l.contains("Error:") || l.contains("Exception")) {
      return Level.ERROR;
    }
    if (l.contains("WARN")) {
      return Level.WARN;
    }
    return Level.UNKNOWN;
  }

  private static Optional<String> first(JsonNode node, List<String> names) {
    return firstNode(node, names)
        .filter(n -> !n.isNull())
        .map(n -> n.isTextual() ? n.asText() : n.toString())
        .filter(s -> !s.isBlank());
  }

  private static Optional<JsonNode> firstNode(JsonNode node, List<String> names) {
    for (String name : names) {
      JsonNode v = node.get(name);
      if (v != null && !v.isNull()) {
        return Optional.of(v);
      }
    }
    return Optional.empty();
  }

  /** ISO-8601 text, or epoch seconds, milliseconds or nanoseconds as a number. */
  static Optional<Instant> time(JsonNode v) {
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    if (v.isNumber() || (v.isTextual() && v.asText().matches("\\d{9,19}"))) {
      long n = v.isNumber() ? v.asLong() : Long.parseLong(v.asText());
      if (n > 100_000_000_000_000L) {
        return Optional.of(Instant.ofEpochSecond(n / 1_000_000_000L, n % 1_000_000_000L));
      }
      if (n > 100_000_000_000L) {
        return Optional.of(Instant.ofEpochMilli(n));
      }
      return Optional.of(Instant.ofEpochSecond(n));
    }
    try {
      return Optional.of(OffsetDateTime.parse(v.asText()).toInstant());
    } catch (DateTimeParseException e) {
      try {
        return Optional.of(Instant.parse(v.asText()));
      } catch (DateTimeParseException e2) {
        return Optional.empty();
      }
    }
  }

  @FunctionalInterface
  private interface LineHandler {
    void line(int number, String text);
  }

  private static void forEachLine(byte[] body, LineHandler h, Acc acc) {
    var decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    int start = 0;
    int number = 1;
    for (int i = 0; i <= body.length; i++) {
      if (i == body.length || body[i] == '\n') {
        int end = i;
        if (end > start && body[end - 1] == '\r') {
          end--;
        }
        if (end > start) {
          try {
            String line = decoder.decode(ByteBuffer.wrap(body, start, end - start)).toString();
            h.line(number, line);
          } catch (CharacterCodingException e) {
            acc.reject("line " + number + " is not valid UTF-8");
          }
        }
        start = i + 1;
        number++;
      }
    }
  }

  private static String oneLine(IOException e) {
    String m =
        e instanceof com.fasterxml.jackson.core.JsonProcessingException j
            ? j.getOriginalMessage()
            : e.getMessage();
    if (m == null) {
      return "unreadable";
    }
    int nl = m.indexOf('\n');
    String s = nl < 0 ? m : m.substring(0, nl);
    return s.length() > 160 ? s.substring(0, 160) + "…" : s;
  }

  private static final class Acc {
    final List<LiveRecord> records = new ArrayList<>();
    final List<String> reasons = new ArrayList<>();
    int rejected;

    void reject(String reason) {
      rejected++;
      if (reasons.size() < MAX_REASONS) {
        reasons.add(reason);
      }
    }

    Parsed done() {
      return new Parsed(records, rejected, reasons);
    }
  }

  static {
    JSON.getFactory().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
  }
}
