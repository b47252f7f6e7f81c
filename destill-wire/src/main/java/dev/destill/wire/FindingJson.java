package dev.destill.wire;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.destill.core.DestillException;
import dev.destill.core.engine.LineCleaner;
import dev.destill.core.model.Finding;
import dev.destill.core.model.FindingSource;
import dev.destill.core.model.History;
import dev.destill.core.model.Severity;
import dev.destill.core.model.TestCase;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** A finding as one JSON document, for stores that keep it whole. Thread-safe. */
public final class FindingJson {

  private FindingJson() {}

  /** Loaded only by readers: writing uses the streaming generator, which loads far less. */
  private static final class Mapper {
    static final ObjectMapper JSON = new ObjectMapper();
  }

  private static final JsonFactory FACTORY = new JsonFactory();

  public static String write(Finding f) {
    StringWriter out = new StringWriter(512);
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      g.writeStartObject();
      writeFields(g, f);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /**
   * Writes a finding's fields (the JSON contract's names, docs/json-contract.md) into the object
   * {@code g} is in; the CLI's JSON output and the stores share it. Lines are written as {@link
   * LineCleaner#display} shows them; {@code raw} keeps the first line as the log had it.
   */
  public static void writeFields(JsonGenerator g, Finding f) throws IOException {
    g.writeStringField("id", f.id());
    g.writeStringField("hash", f.hash());
    g.writeStringField("severity", f.severity().id());
    g.writeNumberField("confidence", f.confidence());
    g.writeNumberField("tier", f.tier());
    g.writeStringField("job", f.job());
    g.writeStringField("step", f.step());
    g.writeNumberField("line", f.line());
    g.writeNumberField("end_line", f.endLine());
    g.writeStringField("message", LineCleaner.display(f.message()));
    g.writeStringField("raw", f.message());
    g.writeStringField("normalized", f.normalized());
    lines(g, "block", LineCleaner.display(f.block()));
    lines(g, "pre_context", LineCleaner.display(f.preContext()));
    lines(g, "post_context", LineCleaner.display(f.postContext()));
    g.writeNumberField("recurrence", f.recurrence());
    g.writeStringField("novelty", dev.destill.core.engine.Novelty.of(f).label());
    g.writeStringField("source", f.source().id());
    if (f.test().isPresent()) {
      TestCase t = f.test().get();
      g.writeStringField("test", t.name());
      g.writeStringField("class", t.className());
      g.writeStringField("file", t.file());
    }
    lines(g, "signals", f.signals());
    if (f.history().isPresent()) {
      History h = f.history().get();
      g.writeObjectFieldStart("history");
      g.writeNumberField("builds_seen", h.buildsSeen());
      g.writeNumberField("builds_known", h.buildsKnown());
      g.writeStringField("first_seen", h.firstSeen().toString());
      g.writeStringField("last_seen", h.lastSeen().toString());
      g.writeEndObject();
    }
  }

  private static void lines(JsonGenerator g, String name, List<String> lines) throws IOException {
    g.writeArrayFieldStart(name);
    for (String l : lines) {
      g.writeString(l);
    }
    g.writeEndArray();
  }

  public static Finding read(String json) {
    try {
      return read(Mapper.JSON.readTree(json));
    } catch (IOException | RuntimeException e) {
      throw new DestillException(
          "a stored finding could not be read ("
              + e.getMessage()
              + "); the store may be "
              + "from a newer version",
          e);
    }
  }

  /**
   * Reads a finding from its JSON object.
   *
   * @throws RuntimeException when a field is missing or has the wrong type
   */
  public static Finding read(JsonNode o) {
    {
      Optional<TestCase> test =
          o.has("test")
              ? Optional.of(
                  new TestCase(
                      o.get("test").asText(),
                      o.path("class").asText(""),
                      o.path("file").asText("")))
              : Optional.empty();
      Optional<History> history = Optional.empty();
      if (o.has("history")) {
        JsonNode h = o.get("history");
        history =
            Optional.of(
                new History(
                    h.get("builds_seen").asInt(),
                    h.get("builds_known").asInt(),
                    Instant.parse(h.get("first_seen").asText()),
                    Instant.parse(h.get("last_seen").asText())));
      }
      return new Finding(
          o.get("id").asText(),
          o.get("hash").asText(),
          Severity.valueOf(o.get("severity").asText().toUpperCase(Locale.ROOT)),
          o.get("confidence").asDouble(),
          o.get("tier").asInt(),
          o.get("job").asText(),
          o.path("step").asText(""),
          o.get("line").asLong(),
          o.get("end_line").asLong(),
          (o.has("raw") ? o.get("raw") : o.get("message")).asText(),
          o.get("normalized").asText(),
          list(o.get("block")),
          list(o.get("pre_context")),
          list(o.get("post_context")),
          o.get("recurrence").asInt(),
          FindingSource.valueOf(o.get("source").asText().toUpperCase(Locale.ROOT)),
          test,
          list(o.get("signals")),
          history);
    }
  }

  private static List<String> list(JsonNode arr) {
    List<String> out = new ArrayList<>();
    if (arr != null) {
      arr.forEach(n -> out.add(n.asText()));
    }
    return out;
  }
}
