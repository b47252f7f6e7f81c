package dev.destill.live.record;

import dev.destill.core.stats.Level;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One record of a live stream, whatever protocol brought it: when it happened, its stream, its
 * severity, its text, and what else its source said of it.
 *
 * @param time when it happened (the source's time, or when it arrived)
 * @param stream the stream it belongs to
 * @param level its severity, {@link Level#UNKNOWN} when the source gave none
 * @param body its text, one line or more, at most {@link #MAX_BODY_CHARS} characters
 * @param attributes the record's attributes, at most {@link #MAX_ATTRIBUTES}, each value bounded
 * @param traceId the trace id as lower-case hex, or empty
 * @param spanId the span id as lower-case hex, or empty
 */
public record LiveRecord(
    Instant time,
    StreamKey stream,
    Level level,
    String body,
    Map<String, String> attributes,
    String traceId,
    String spanId) {
  /** The most characters of a body that are kept; the rest is cut, with a marker. */
  public static final int MAX_BODY_CHARS = 16 * 1024;

  /** The most attributes of a record that are kept. */
  public static final int MAX_ATTRIBUTES = 64;

  /** The most characters of an attribute value that are kept. */
  public static final int MAX_ATTRIBUTE_CHARS = 1024;

  public LiveRecord {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(stream, "stream");
    Objects.requireNonNull(level, "level");
    Objects.requireNonNull(body, "body");
    Objects.requireNonNull(traceId, "traceId");
    Objects.requireNonNull(spanId, "spanId");
    if (body.length() > MAX_BODY_CHARS) {
      body = body.substring(0, MAX_BODY_CHARS) + " …[cut]";
    }
    Map<String, String> kept = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : attributes.entrySet()) {
      if (kept.size() == MAX_ATTRIBUTES) {
        break;
      }
      String v = e.getValue();
      kept.put(
          e.getKey(), v.length() > MAX_ATTRIBUTE_CHARS ? v.substring(0, MAX_ATTRIBUTE_CHARS) : v);
    }
    attributes = java.util.Collections.unmodifiableMap(kept);
  }

  /** A record with only a time, stream, level and text. */
  public static LiveRecord of(Instant time, StreamKey stream, Level level, String body) {
    return new LiveRecord(time, stream, level, body, Map.of(), "", "");
  }
}
