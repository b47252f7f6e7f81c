package dev.destill.store.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.destill.core.DestillException;
import dev.destill.core.model.Finding;
import dev.destill.core.model.FindingSource;
import dev.destill.core.model.History;
import dev.destill.core.model.Severity;
import dev.destill.core.model.TestCase;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** A finding as one JSON document, for stores that keep it whole. Thread-safe. */
public final class FindingJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  private FindingJson() {}

  public static String write(Finding f) {
    ObjectNode o = JSON.createObjectNode();
    o.put("id", f.id());
    o.put("hash", f.hash());
    o.put("severity", f.severity().id());
    o.put("confidence", f.confidence());
    o.put("tier", f.tier());
    o.put("job", f.job());
    o.put("step", f.step());
    o.put("line", f.line());
    o.put("end_line", f.endLine());
    o.put("message", f.message());
    o.put("normalized", f.normalized());
    lines(o.putArray("block"), f.block());
    lines(o.putArray("pre_context"), f.preContext());
    lines(o.putArray("post_context"), f.postContext());
    o.put("recurrence", f.recurrence());
    o.put("source", f.source().id());
    f.test()
        .ifPresent(
            t -> {
              o.put("test", t.name());
              o.put("class", t.className());
              o.put("file", t.file());
            });
    lines(o.putArray("signals"), f.signals());
    f.history()
        .ifPresent(
            h -> {
              ObjectNode hn = o.putObject("history");
              hn.put("builds_seen", h.buildsSeen());
              hn.put("builds_known", h.buildsKnown());
              hn.put("first_seen", h.firstSeen().toString());
              hn.put("last_seen", h.lastSeen().toString());
            });
    return o.toString();
  }

  public static Finding read(String json) {
    try {
      JsonNode o = JSON.readTree(json);
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
          o.get("message").asText(),
          o.get("normalized").asText(),
          list(o.get("block")),
          list(o.get("pre_context")),
          list(o.get("post_context")),
          o.get("recurrence").asInt(),
          FindingSource.valueOf(o.get("source").asText().toUpperCase(Locale.ROOT)),
          test,
          list(o.get("signals")),
          history);
    } catch (IOException | RuntimeException e) {
      throw new DestillException(
          "a stored finding could not be read ("
              + e.getMessage()
              + "); the store may be "
              + "from a newer version",
          e);
    }
  }

  private static void lines(ArrayNode arr, List<String> lines) {
    lines.forEach(arr::add);
  }

  private static List<String> list(JsonNode arr) {
    List<String> out = new ArrayList<>();
    if (arr != null) {
      arr.forEach(n -> out.add(n.asText()));
    }
    return out;
  }
}
