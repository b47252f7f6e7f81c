package dev.destill.app.output;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.destill.app.analysis.AnalysisReport;
import dev.destill.app.analysis.JobSummary;
import dev.destill.core.model.Finding;
import dev.destill.wire.FindingJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.List;

/**
 * Writes the JSON contract of an analysis (see docs/json-contract.md): one object with {@code
 * input}, {@code jobs} and ranked {@code findings}. Thread-safe.
 */
public final class JsonReport {
  private static final JsonFactory FACTORY =
      new com.fasterxml.jackson.databind.ObjectMapper().getFactory();

  private JsonReport() {}

  /** Writes one report object; {@code pretty} indents it, otherwise it is one line. */
  public static void write(AnalysisReport report, int top, boolean pretty, Writer out) {
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
      if (pretty) {
        g.useDefaultPrettyPrinter();
      }
      g.writeStartObject();
      g.writeStringField("input", report.input());
      g.writeStringField("request_id", report.requestId());
      g.writeStringField("build_id", report.buildId());
      g.writeStringField("title", report.title());
      if (report.baseline().isPresent()) {
        writeBaseline(g, report.baseline().get());
      }
      g.writeArrayFieldStart("jobs");
      for (JobSummary job : report.jobs()) {
        g.writeStartObject();
        g.writeStringField("name", job.name());
        g.writeStringField("state", job.state().id());
        g.writeNumberField("lines", job.lines());
        g.writeNumberField("bytes", job.bytes());
        if (job.exitStatus().isPresent()) {
          g.writeNumberField("exit_status", job.exitStatus().getAsInt());
        }
        g.writeEndObject();
      }
      g.writeEndArray();
      List<Finding> findings = report.findings();
      int shown = Math.min(top, findings.size());
      g.writeNumberField("total_findings", findings.size());
      g.writeArrayFieldStart("findings");
      for (int i = 0; i < shown; i++) {
        writeFinding(g, i + 1, findings.get(i));
      }
      g.writeEndArray();
      if (report.explanation().isPresent()) {
        g.writeFieldName("explanation");
        g.writeTree(dev.destill.wire.ExplanationJson.toNode(report.explanation().get()));
      }
      g.writeArrayFieldStart("warnings");
      for (String w : report.warnings()) {
        g.writeString(w);
      }
      g.writeEndArray();
      g.writeEndObject();
      g.flush();
      out.write('\n');
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Writes the JSONL line of an input that could not be analyzed: {@code input} and {@code error}
   * (one line, as the CLI would print it).
   */
  public static void writeError(String input, String error, Writer out) {
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
      g.writeStartObject();
      g.writeStringField("input", input);
      g.writeStringField("error", error);
      g.writeEndObject();
      g.flush();
      out.write('\n');
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The {@code baseline} object: the build or file compared with ({@code null} when none was
   * found), how it was chosen, and the lines of the failed jobs it knew and did not.
   */
  public static void writeBaseline(JsonGenerator g, dev.destill.app.analysis.BaselineSummary b)
      throws IOException {
    g.writeObjectFieldStart("baseline");
    if (b.source().isPresent()) {
      g.writeStringField("source", b.source().get());
    } else {
      g.writeNullField("source");
    }
    g.writeBooleanField("found", b.found());
    g.writeStringField("note", b.note());
    g.writeNumberField("jobs", b.jobs());
    g.writeNumberField("lines_known", b.known());
    g.writeNumberField("lines_new", b.fresh());
    g.writeEndObject();
  }

  /** Writes one finding with its rank. */
  public static void writeFinding(JsonGenerator g, int rank, Finding f) throws IOException {
    g.writeStartObject();
    g.writeNumberField("rank", rank);
    FindingJson.writeFields(g, f);
    g.writeEndObject();
  }
}
