package dev.destill.app.watch;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.destill.app.output.JsonReport;
import dev.destill.core.engine.LineCleaner;
import dev.destill.core.model.Finding;
import dev.destill.live.window.WindowAnalysis;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;

/**
 * How {@code destill watch} prints findings when there is no UI: one line per finding, JSON (the
 * fields of a finding of {@code analyze --format json}, with the file and window) or text.
 * Thread-safe: each window's lines are written together.
 */
public final class FindingLines {
  private static final JsonFactory FACTORY =
      new com.fasterxml.jackson.databind.ObjectMapper().getFactory();

  private final PrintWriter out;
  private final boolean json;
  private final int top;

  /**
   * @param json one JSON object per line, otherwise text
   * @param top the most findings printed of one window
   */
  public FindingLines(PrintWriter out, boolean json, int top) {
    this.out = out;
    this.json = json;
    this.top = top;
  }

  /** Prints the findings of {@code a}, best first, and flushes. */
  public void print(WindowAnalysis a) {
    List<Finding> findings = a.findings();
    int shown = Math.min(top, findings.size());
    synchronized (out) {
      for (int i = 0; i < shown; i++) {
        if (json) {
          json(a, i + 1, findings.get(i));
        } else {
          out.println(text(a, findings.get(i)));
        }
      }
      out.flush();
    }
  }

  /** The file's line of a finding: the window's first line is counted since the watch began. */
  static long streamLine(WindowAnalysis a, Finding f) {
    return a.window().firstLine() + Math.max(1, f.line()) - 1;
  }

  private void json(WindowAnalysis a, int rank, Finding f) {
    try {
      JsonGenerator g = FACTORY.createGenerator(out);
      g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
      g.writeStartObject();
      g.writeStringField("file", a.window().stream().stream());
      g.writeStringField("request_id", a.requestId());
      g.writeNumberField("file_line", streamLine(a, f));
      g.writeObjectFieldStart("window");
      g.writeNumberField("first_line", a.window().firstLine());
      g.writeNumberField("lines", a.window().lines().size());
      g.writeStringField("start", a.window().start().toString());
      g.writeStringField("end", a.window().end().toString());
      g.writeStringField("closed", a.window().reason().name().toLowerCase(Locale.ROOT));
      g.writeEndObject();
      g.writeFieldName("finding");
      JsonReport.writeFinding(g, rank, f);
      g.writeEndObject();
      g.close();
      out.write('\n');
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String text(WindowAnalysis a, Finding f) {
    return String.format(
        Locale.ROOT,
        "%s:%d  T%d %.2f  %s",
        a.window().stream().stream(),
        streamLine(a, f),
        f.tier(),
        f.confidence(),
        LineCleaner.display(f.message()));
  }
}
