package dev.destill.app;

import dev.destill.app.analysis.AnalysisReport;
import dev.destill.app.cli.CommonOptions;
import dev.destill.app.cli.DisplayOptions;
import dev.destill.app.cli.ExitCodes;
import dev.destill.app.cli.FormatOption;
import dev.destill.app.cli.VersionInfo;
import dev.destill.app.history.HistoryStore;
import dev.destill.app.output.Format;
import dev.destill.app.output.JsonReport;
import dev.destill.app.output.MarkdownReport;
import dev.destill.app.output.TextReport;
import dev.destill.app.wiring.Services;
import dev.destill.core.model.Finding;
import dev.destill.core.model.ProgressEvent;
import dev.destill.core.store.FindingStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code destill view}: reopens a stored analysis, with no network. */
@Command(
    name = "view",
    mixinStandardHelpOptions = true,
    versionProvider = VersionInfo.class,
    description = {
      "Shows the findings of a stored analysis: in the terminal UI at a terminal, or printed with"
          + " --format (text, json, jsonl or markdown).",
      "Reads the local history, or PostgreSQL when DESTILL_POSTGRES_URL or POSTGRES_DSN is set."
    })
public final class ViewCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  private final Services services;

  public ViewCommand(Services services) {
    this.services = services;
  }

  @Mixin CommonOptions common;

  @Parameters(
      paramLabel = "REQUEST_ID",
      description = "The id 'destill analyze' or 'destill history' shows.")
  String requestId;

  @Mixin FormatOption formatOption;

  @Mixin DisplayOptions display;

  @Override
  public Integer call() throws IOException {
    int top = display.top();
    Format format = formatOption.require(Format.values());
    AnalysisReport report;
    try (FindingStore store = services.openHistory()) {
      report = HistoryStore.load(store, requestId);
    }
    if (!formatOption.given() && !display.noTui() && Tui.available(services.settings())) {
      AnalysisReport shown = report;
      Tui.run(
          report.title(),
          services.settings(),
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
      default -> TextReport.write(report, top, out);
    }
    out.flush();
    return ExitCodes.OK;
  }
}
