package dev.destill.wire;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.destill.core.pipeline.PoisonMessageException;
import dev.destill.core.pipeline.StatsCodec;
import dev.destill.core.stats.Level;
import dev.destill.core.stats.LineCount;
import dev.destill.core.stats.StatsReport;
import dev.destill.core.stats.StatsRows.NewTemplate;
import dev.destill.core.stats.StatsRows.Spike;
import dev.destill.core.stats.StatsRows.Template;
import dev.destill.core.stats.StatsRows.Total;
import dev.destill.core.stats.StatsRows.Volume;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The statistics as JSON: batches of line counts on {@code destill.stats} ({@code
 * {"schema_version": 1, "counts": [{"minute", "source", "stream", "level", "template",
 * "lines"}]}}), and the report that {@code destill stats --format json} and {@code GET
 * /api/v1/stats} answer with (docs/live-logs.md). Thread-safe.
 */
public final class StatsJson implements StatsCodec {
  /** The version of the counts batch this code writes and reads. */
  public static final int SCHEMA_VERSION = 1;

  /** The most counts one batch may hold. */
  public static final int MAX_COUNTS = 10_000;

  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public byte[] encode(List<LineCount> counts) {
    ObjectNode o = JSON.createObjectNode();
    o.put("schema_version", SCHEMA_VERSION);
    ArrayNode arr = o.putArray("counts");
    for (LineCount c : counts) {
      ObjectNode n = arr.addObject();
      n.put("minute", c.minute().toString());
      n.put("source", c.source());
      n.put("stream", c.stream());
      n.put("level", c.level().id());
      n.put("template", c.template());
      n.put("lines", c.lines());
    }
    try {
      return JSON.writeValueAsBytes(o);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public List<LineCount> decode(byte[] value) {
    JsonNode o;
    try {
      o = JSON.readTree(value);
    } catch (IOException e) {
      throw new PoisonMessageException("not JSON: " + firstLine(e.getMessage()), e);
    }
    if (o == null || !o.isObject()) {
      throw new PoisonMessageException("not a JSON object");
    }
    JsonNode version = o.get("schema_version");
    if (version == null || !version.canConvertToInt()) {
      throw new PoisonMessageException("no schema_version");
    }
    if (version.asInt() != SCHEMA_VERSION) {
      throw new PoisonMessageException(
          "unknown schema_version "
              + version.asText()
              + " (this build reads "
              + SCHEMA_VERSION
              + ")");
    }
    JsonNode arr = o.get("counts");
    if (arr == null || !arr.isArray()) {
      throw new PoisonMessageException("no counts");
    }
    if (arr.size() > MAX_COUNTS) {
      throw new PoisonMessageException("more than " + MAX_COUNTS + " counts in one batch");
    }
    List<LineCount> out = new ArrayList<>(arr.size());
    for (JsonNode n : arr) {
      try {
        out.add(
            new LineCount(
                Instant.parse(text(n, "minute")),
                text(n, "source"),
                text(n, "stream"),
                Level.valueOf(text(n, "level").toUpperCase(Locale.ROOT)),
                text(n, "template"),
                n.path("lines").asLong(0)));
      } catch (IllegalArgumentException | DateTimeException e) {
        throw new PoisonMessageException("a count is invalid: " + firstLine(e.getMessage()), e);
      }
    }
    return out;
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || !v.isTextual()) {
      throw new IllegalArgumentException("'" + field + "' is not a string");
    }
    return v.asText();
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  /** The report as one JSON document. */
  public static String write(StatsReport r) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator g = JSON.getFactory().createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("from", r.query().from().toString());
      g.writeStringField("to", r.query().to().toString());
      if (r.query().source().isPresent()) {
        g.writeStringField("source", r.query().source().get());
      } else {
        g.writeNullField("source");
      }
      g.writeNumberField("step_minutes", r.query().stepMinutes());
      g.writeArrayFieldStart("sources");
      for (Total t : r.totals()) {
        g.writeStartObject();
        g.writeStringField("source", t.source());
        g.writeNumberField("lines", t.lines());
        g.writeNumberField("errors", t.errors());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeArrayFieldStart("volume");
      for (Volume v : r.volume()) {
        g.writeStartObject();
        g.writeStringField("source", v.source());
        g.writeStringField("at", v.bucket().toString());
        g.writeNumberField("lines", v.lines());
        g.writeNumberField("errors", v.errors());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeArrayFieldStart("top_templates");
      for (Template t : r.top()) {
        g.writeStartObject();
        g.writeStringField("source", t.source());
        g.writeStringField("template", t.template());
        g.writeNumberField("lines", t.lines());
        g.writeNumberField("errors", t.errors());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeArrayFieldStart("spikes");
      for (Spike s : r.spikes()) {
        g.writeStartObject();
        g.writeStringField("source", s.source());
        g.writeNumberField("errors", s.lastHour().errors());
        g.writeNumberField("lines", s.lastHour().lines());
        g.writeNumberField("previous_errors", s.previousHour().errors());
        g.writeNumberField("previous_lines", s.previousHour().lines());
        if (Double.isInfinite(s.factor())) {
          g.writeNullField("factor");
        } else {
          g.writeNumberField("factor", Math.round(s.factor() * 100.0) / 100.0);
        }
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeArrayFieldStart("new_today");
      for (NewTemplate t : r.newToday()) {
        g.writeStartObject();
        g.writeStringField("source", t.source());
        g.writeStringField("template", t.template());
        g.writeStringField("first_seen", t.firstSeen().toString());
        g.writeNumberField("lines", t.lines());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString(java.nio.charset.StandardCharsets.UTF_8);
  }
}
