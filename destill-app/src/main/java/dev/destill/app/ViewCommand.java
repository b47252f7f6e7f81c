package dev.destill.app;

import dev.destill.app.analysis.AnalysisReport;
import dev.destill.app.history.HistoryStore;
import dev.destill.app.output.Format;
import dev.destill.app.output.GithubReport;
import dev.destill.app.output.JsonReport;
import dev.destill.app.output.MarkdownReport;
import dev.destill.app.output.TextReport;
import dev.destill.core.model.Finding;
import dev.destill.core.model.ProgressEvent;
import dev.destill.core.store.FindingStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code destill view}: reopens a stored analysis, with no network. */
@Command(
    name = "view",
    mixinStandardHelpOptions = true,
    versionProvider = VersionInfo.class,
    description = {
      "Shows the findings of a stored analysis: in the terminal UI at a terminal, or printed with --format.",
      "Reads the local history, or PostgreSQL when DESTILL_POSTGRES_URL or POSTGRES_DSN is set."
    })
public final class ViewCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @ParentCommand Main main;

  @Mixin CommonOptions common;

  @Parameters(
      paramLabel = "REQUEST_ID",
      description =
          "The id 'destill analyze' or 'destill history' shows, a unique prefix of it, or 'last' "
              + "for the latest analysis.")
  String requestId;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      description = "Output format: text, json, jsonl, markdown or github (default: text).")
  Format format = Format.TEXT;

  @Option(
      names = "--top",
      paramLabel = "N",
      description = "Show at most N findings (default: ${DEFAULT-VALUE}).")
  int top = 20;

  @Option(names = "--no-tui", description = "Print even at a terminal.")
  boolean noTui;

  @Override
  public Integer call() throws IOException {
    if (top < 1) {
      throw new ParameterException(spec.commandLine(), "--top must be at least 1, was " + top);
    }
    AnalysisReport report;
    try (FindingStore store = HistoryStore.open(main.env(), Clock.systemUTC())) {
      report = HistoryStore.load(store, HistoryStore.resolve(store, requestId));
    }
    boolean formatGiven = spec.commandLine().getParseResult().hasMatchedOption("--format");
    if (!formatGiven && !noTui && Tui.available(main.env())) {
      AnalysisReport shown = report;
      Tui.run(
          report.title(),
          main.env(),
          l -> {
            l.onProgress(
                new ProgressEvent.BuildResolved(
                    shown.buildId(), shown.title(), shown.jobs().size(), 0));
            for (Finding f : shown.findings()) {
              l.onFinding(f);
            }
            return shown;
          });
      return ExitCodes.OK;
    }
    PrintWriter out = spec.commandLine().getOut();
    switch (format) {
      case JSON, JSONL -> JsonReport.write(report, top, format == Format.JSON, out);
      case MARKDOWN -> MarkdownReport.write(report, top, out);
      case GITHUB ->
          GithubReport.write(report, top, main.env().getOrDefault("GITHUB_WORKSPACE", ""), out);
      default -> TextReport.write(report, top, out);
    }
    out.flush();
    return ExitCodes.OK;
  }
}
