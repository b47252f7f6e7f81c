package dev.destill.llm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.destill.core.DestillException;
import dev.destill.core.explain.EvidenceLine;
import dev.destill.core.explain.ModelAnswer;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the JSON object a model answers with, leniently where models differ. Thread-safe. */
final class AnswerJson {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern JOB_LINE =
      Pattern.compile("^(.*?)[:#@ ]\\s*(?:line\\s*)?(\\d{1,9})$");
  private static final int MAX_TEXT = 2_000;

  private AnswerJson() {}

  static ModelAnswer parse(String text, String model, long inputTokens, long outputTokens) {
    String body = text.strip();
    // Some servers wrap the object in a Markdown fence even when asked for JSON.
    int open = body.indexOf('{');
    int close = body.lastIndexOf('}');
    if (open < 0 || close < open) {
      throw malformed();
    }
    JsonNode root;
    try {
      root = JSON.readTree(body.substring(open, close + 1));
    } catch (JsonProcessingException e) {
      throw malformed();
    }
    if (!root.isObject()) {
      throw malformed();
    }
    String cause = text(root, "root_cause");
    if (cause.isEmpty()) {
      throw new DestillException(
          "the model's answer has no root_cause; the findings are shown without it");
    }
    List<EvidenceLine> evidence = new ArrayList<>();
    JsonNode ev = root.path("evidence");
    if (ev.isArray()) {
      for (JsonNode e : ev) {
        evidenceLine(e, evidence);
        if (evidence.size() >= 50) {
          break;
        }
      }
    }
    return new ModelAnswer(
        cap(cause),
        evidence,
        cap(text(root, "fix")),
        text(root, "confidence"),
        model,
        inputTokens,
        outputTokens);
  }

  private static void evidenceLine(JsonNode e, List<EvidenceLine> out) {
    if (e.isIntegralNumber()) {
      out.add(new EvidenceLine("", e.asLong()));
    } else if (e.isObject()) {
      JsonNode line = e.path("line");
      long n = line.isIntegralNumber() ? line.asLong() : parseLong(line.asText(""));
      if (n > 0) {
        out.add(new EvidenceLine(cap(e.path("job").asText("")), n));
      }
    } else if (e.isTextual()) {
      String s = e.asText().strip();
      long n = parseLong(s);
      if (n > 0) {
        out.add(new EvidenceLine("", n));
        return;
      }
      Matcher m = JOB_LINE.matcher(s);
      if (m.matches()) {
        out.add(new EvidenceLine(cap(m.group(1).strip()), Long.parseLong(m.group(2))));
      }
    }
  }

  private static long parseLong(String s) {
    try {
      return Long.parseLong(s.strip());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static String text(JsonNode root, String field) {
    JsonNode n = root.path(field);
    return n.isTextual() || n.isNumber() ? n.asText().strip() : "";
  }

  private static String cap(String s) {
    return s.length() > MAX_TEXT ? s.substring(0, MAX_TEXT) + "…" : s;
  }

  private static DestillException malformed() {
    return new DestillException(
        "the model's answer is not the JSON object asked for; the findings are shown without an explanation (try another model)");
  }
}
