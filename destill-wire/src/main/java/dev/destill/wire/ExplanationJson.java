package dev.destill.wire;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.destill.core.DestillException;
import dev.destill.core.explain.Confidence;
import dev.destill.core.explain.EvidenceLine;
import dev.destill.core.explain.Explanation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An {@link Explanation} as JSON: the {@code explanation} object of the JSON contract, also how the
 * history stores it. Thread-safe.
 */
public final class ExplanationJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ExplanationJson() {}

  /** The contract's object: root_cause, evidence, fix, confidence, model, cached… */
  public static ObjectNode toNode(Explanation e) {
    ObjectNode o = JSON.createObjectNode();
    o.put("root_cause", e.rootCause());
    lines(o.putArray("evidence"), e.evidence());
    o.put("fix", e.fix());
    o.put("confidence", e.confidence().wireName());
    o.put("model", e.model());
    o.put("prompt_version", e.promptVersion());
    o.put("cached", e.cached());
    e.cachedFrom().ifPresentOrElse(r -> o.put("cached_from", r), () -> o.putNull("cached_from"));
    o.put("verified", e.verified());
    lines(o.putArray("rejected_evidence"), e.rejectedEvidence());
    o.put("created_at", e.createdAt().toString());
    return o;
  }

  public static String toJson(Explanation e) {
    return toNode(e).toString();
  }

  public static Explanation fromJson(String json) {
    try {
      return fromNode(JSON.readTree(json));
    } catch (JsonProcessingException | RuntimeException e) {
      throw new DestillException("a stored explanation cannot be read: " + e.getMessage(), e);
    }
  }

  public static Explanation fromNode(JsonNode o) {
    return new Explanation(
        o.path("root_cause").asText(),
        lines(o.path("evidence")),
        lines(o.path("rejected_evidence")),
        o.path("fix").asText(),
        Confidence.parse(o.path("confidence").asText()).orElse(Confidence.INSUFFICIENT),
        o.path("model").asText(),
        o.path("prompt_version").asText(),
        o.path("cached_from").isTextual()
            ? Optional.of(o.path("cached_from").asText())
            : Optional.empty(),
        Instant.parse(o.path("created_at").asText("1970-01-01T00:00:00Z")));
  }

  private static void lines(ArrayNode a, List<EvidenceLine> lines) {
    for (EvidenceLine l : lines) {
      a.addObject().put("job", l.job()).put("line", l.line());
    }
  }

  private static List<EvidenceLine> lines(JsonNode a) {
    List<EvidenceLine> out = new ArrayList<>();
    for (JsonNode n : a) {
      out.add(new EvidenceLine(n.path("job").asText(), n.path("line").asLong()));
    }
    return out;
  }
}
