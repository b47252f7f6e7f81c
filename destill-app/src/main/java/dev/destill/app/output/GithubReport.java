package dev.destill.app.output;

import dev.destill.app.analysis.AnalysisReport;
import dev.destill.core.engine.LineCleaner;
import dev.destill.core.model.Finding;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GitHub Actions workflow commands: an {@code ::error} annotation for each tier-1 finding and a
 * {@code ::warning} for each tier-2 one, at most {@link #PER_TYPE} of each (GitHub shows no more
 * per type and step), and one {@code ::notice} with the totals and the request id. An annotation
 * names the source file and line when the finding's message has one. Thread-safe.
 */
public final class GithubReport {
  /** GitHub keeps 10 annotations of each type per step. */
  static final int PER_TYPE = 10;

  private static final int MESSAGE_LINES = 12;
  private static final int MESSAGE_CHARS = 4000;

  /** {@code path:[line,col]} (javac via Maven), {@code path:line:col} (gcc, go, tsc --pretty). */
  private static final Pattern COLON_LOCATION =
      Pattern.compile("((?:[A-Za-z]:)?[\\w./\\\\-]+\\.[A-Za-z]{1,6}):\\[?(\\d+)(?:[,:](\\d+))?");

  /** {@code path(line,col)} (MSBuild, tsc). */
  private static final Pattern PAREN_LOCATION =
      Pattern.compile("([\\w./\\\\-]+\\.[A-Za-z]{1,6})\\((\\d+)(?:,(\\d+))?\\)");

  /** {@code File "path", line N} (Python tracebacks). */
  private static final Pattern PYTHON_LOCATION = Pattern.compile("File \"([^\"]+)\", line (\\d+)");

  private GithubReport() {}

  /** A source location named by a finding. */
  record Location(String file, int line, int column) {}

  /**
   * Writes the commands. {@code workspace} ({@code GITHUB_WORKSPACE}, may be empty) is cut from
   * absolute paths so that GitHub can place the annotation on the file.
   */
  public static void write(AnalysisReport report, int top, String workspace, PrintWriter out) {
    int errors = 0;
    int warnings = 0;
    List<Finding> findings = report.findings();
    for (int i = 0; i < Math.min(top, findings.size()); i++) {
      Finding f = findings.get(i);
      String type;
      if (f.tier() == 1 && errors < PER_TYPE) {
        type = "error";
        errors++;
      } else if (f.tier() == 2 && warnings < PER_TYPE) {
        type = "warning";
        warnings++;
      } else {
        continue;
      }
      out.println(command(type, f, i + 1, workspace));
    }
    out.println(
        "::notice title="
            + property("destill")
            + "::"
            + data(
                String.format(
                    Locale.ROOT,
                    "%d finding%s in %s (%d annotated); request %s: destill view %s",
                    findings.size(),
                    findings.size() == 1 ? "" : "s",
                    report.title(),
                    errors + warnings,
                    report.requestId(),
                    report.requestId())));
    out.flush();
  }

  static String command(String type, Finding f, int rank, String workspace) {
    StringBuilder sb = new StringBuilder("::").append(type).append(' ');
    Optional<Location> at = location(f, workspace);
    if (at.isPresent()) {
      sb.append("file=").append(property(at.get().file()));
      sb.append(",line=").append(at.get().line());
      if (at.get().column() > 0) {
        sb.append(",col=").append(at.get().column());
      }
      sb.append(',');
    }
    String title =
        String.format(
            Locale.ROOT,
            "destill #%d (%s, %.2f)%s",
            rank,
            f.severity().id(),
            f.confidence(),
            f.step().isEmpty() ? " in " + f.job() : " in " + f.step());
    sb.append("title=").append(property(title)).append("::");
    List<String> lines = TextReport.trimTrailingBlank(f.block());
    StringBuilder message = new StringBuilder();
    for (int k = 0; k < Math.min(lines.size(), MESSAGE_LINES); k++) {
      if (k > 0) {
        message.append('\n');
      }
      message.append(LineCleaner.display(lines.get(k)));
    }
    if (lines.size() > MESSAGE_LINES) {
      message.append("\n... ").append(lines.size() - MESSAGE_LINES).append(" more lines");
    }
    if (f.line() > 0) {
      message.append("\n(").append(f.job()).append(':').append(f.line()).append(')');
    }
    String m =
        message.length() > MESSAGE_CHARS ? message.substring(0, MESSAGE_CHARS) : message.toString();
    return sb.append(data(m)).toString();
  }

  /** The source file and line the finding's first lines name, relative to the workspace. */
  static Optional<Location> location(Finding f, String workspace) {
    for (String l : f.block().subList(0, Math.min(3, f.block().size()))) {
      String text = LineCleaner.stripDecorations(l);
      for (Pattern p : List.of(PYTHON_LOCATION, COLON_LOCATION, PAREN_LOCATION)) {
        Matcher m = p.matcher(text);
        if (m.find()) {
          String file = m.group(1).replace('\\', '/');
          if (!workspace.isEmpty()) {
            String ws = workspace.endsWith("/") ? workspace : workspace + "/";
            if (file.startsWith(ws)) {
              file = file.substring(ws.length());
            }
          }
          int column = m.groupCount() >= 3 && m.group(3) != null ? Integer.parseInt(m.group(3)) : 0;
          return Optional.of(new Location(file, Integer.parseInt(m.group(2)), column));
        }
      }
    }
    return Optional.empty();
  }

  /** A command's message, escaped as the Actions runner reads it: {@code % \r \n}. */
  static String data(String s) {
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A");
  }

  /** A command's property value: as {@link #data}, and {@code :} and {@code ,} too. */
  static String property(String s) {
    return data(s).replace(":", "%3A").replace(",", "%2C");
  }
}
