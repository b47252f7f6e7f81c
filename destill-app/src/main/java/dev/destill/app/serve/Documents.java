package dev.destill.app.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.destill.app.analysis.AnalysisReport;
import dev.destill.app.output.JsonReport;
import dev.destill.server.analysis.Status;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/**
 * The API's analysis document: the {@code analyze --format json} contract of a report, with {@code
 * request_id}, {@code status} and, for a failed one, {@code error}.
 */
final class Documents {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Documents() {}

  static String of(AnalysisReport report, Status status, String error, int top) {
    StringWriter out = new StringWriter();
    JsonReport.write(report, top, false, out);
    try {
      ObjectNode doc = (ObjectNode) JSON.readTree(out.toString());
      ObjectNode ordered = JSON.createObjectNode();
      ordered.put("request_id", report.requestId());
      ordered.put("status", status.id());
      if (!error.isEmpty()) {
        ordered.put("error", error);
      }
      doc.remove("request_id");
      ordered.setAll(doc);
      return JSON.writeValueAsString(ordered);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
