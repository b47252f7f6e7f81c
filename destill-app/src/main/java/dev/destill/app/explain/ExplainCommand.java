package dev.destill.app.explain;

import dev.destill.app.analysis.AnalysisReport;
import dev.destill.app.cli.CommonOptions;
import dev.destill.app.cli.ExitCodes;
import dev.destill.app.cli.FormatOption;
import dev.destill.app.cli.VersionInfo;
import dev.destill.app.history.HistoryStore;
import dev.destill.app.output.Format;
import dev.destill.app.output.JsonReport;
import dev.destill.app.output.MarkdownReport;
import dev.destill.app.output.TextReport;
import dev.destill.app.wiring.Services;
import dev.destill.core.explain.Explainer;
import dev.destill.core.store.FindingStore;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code destill explain}: asks the configured model to explain a stored analysis. */
@Command(
    name = "explain",
    mixinStandardHelpOptions = true,
    versionProvider = VersionInfo.class,
    description = {
      "Explains a stored analysis with the model set by DESTILL_LLM_URL and DESTILL_LLM_MODEL:"
          + " the likely root cause, the log lines that show it, and a fix.",
      "The explanation is kept in the history; the same failure in another build reuses it."
          + " Nothing is sent unless both variables are set (see docs/explain.md)."
    },
    footer = {
      "",
      "Examples:",
      "  destill explain req-20261201-0a1b2c",
      "  destill explain --dry-run req-20261201-0a1b2c   # prints what would be sent",
    })
public final class ExplainCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  private final Services services;

  public ExplainCommand(Services services) {
    this.services = services;
  }

  @Mixin CommonOptions common;

  @Mixin FormatOption formatOption;

  @Parameters(paramLabel = "REQUEST_ID", description = "The id 'destill history' shows.")
  String requestId;

  @Option(names = "--refresh", description = "Ask again even when an explanation is cached.")
  boolean refresh;

  @Option(names = "--dry-run", description = "Print exactly what would be sent; send nothing.")
  boolean dryRun;

  @Option(
      names = "--top",
      paramLabel = "N",
      description = "Show at most N findings with it (default: ${DEFAULT-VALUE}).")
  int top = 5;

  @Override
  public Integer call() {
    Format format = formatOption.require(Format.TEXT, Format.JSON, Format.MARKDOWN);
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Explainer.Mode mode =
        dryRun ? Explainer.Mode.DRY_RUN : refresh ? Explainer.Mode.REFRESH : Explainer.Mode.NORMAL;
    boolean json = format == Format.JSON;
    try (FindingStore store = services.openHistory()) {
      AnalysisReport report = HistoryStore.load(store, requestId);
      if (mode == Explainer.Mode.NORMAL && report.explanation().isPresent()) {
        print(report, format, out);
        return ExitCodes.OK;
      }
      Optional<AnalysisReport> explained =
          Explaining.run(
              services.settings().llmEnv(),
              Optional.of(store),
              report,
              mode,
              json,
              !json && System.console() != null,
              out,
              err,
              services.clock());
      explained.ifPresent(r -> print(r, format, out));
    }
    out.flush();
    return ExitCodes.OK;
  }

  private void print(AnalysisReport report, Format format, PrintWriter out) {
    switch (format) {
      case JSON, JSONL -> JsonReport.write(report, top, true, out);
      case MARKDOWN -> MarkdownReport.write(report, top, out);
      default -> TextReport.write(report, top, out);
    }
  }
}
