package dev.destill.app.explain;

import dev.destill.app.CommonOptions;
import dev.destill.app.ExitCodes;
import dev.destill.app.Main;
import dev.destill.app.VersionInfo;
import dev.destill.app.analysis.AnalysisReport;
import dev.destill.app.history.HistoryStore;
import dev.destill.app.output.Format;
import dev.destill.app.output.JsonReport;
import dev.destill.app.output.MarkdownReport;
import dev.destill.app.output.TextReport;
import dev.destill.core.explain.Explainer;
import dev.destill.core.store.FindingStore;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
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

  @ParentCommand Main main;

  @Mixin CommonOptions common;

  @Parameters(paramLabel = "REQUEST_ID", description = "The id 'destill history' shows.")
  String requestId;

  @Option(names = "--refresh", description = "Ask again even when an explanation is cached.")
  boolean refresh;

  @Option(names = "--dry-run", description = "Print exactly what would be sent; send nothing.")
  boolean dryRun;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      description =
          "Output format: text, json or markdown (default: text). json prints the analysis with"
              + " its explanation object; with --dry-run, the request body.")
  Format format = Format.TEXT;

  @Option(
      names = "--top",
      paramLabel = "N",
      description = "Show at most N findings with it (default: ${DEFAULT-VALUE}).")
  int top = 5;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Explainer.Mode mode =
        dryRun ? Explainer.Mode.DRY_RUN : refresh ? Explainer.Mode.REFRESH : Explainer.Mode.NORMAL;
    boolean json = format == Format.JSON || format == Format.JSONL;
    try (FindingStore store = HistoryStore.open(main.env(), Clock.systemUTC())) {
      AnalysisReport report = HistoryStore.load(store, requestId);
      if (mode == Explainer.Mode.NORMAL && report.explanation().isPresent()) {
        print(report, out);
        return ExitCodes.OK;
      }
      Optional<AnalysisReport> explained =
          Explaining.run(
              main.env(),
              Optional.of(store),
              report,
              mode,
              json,
              !json && System.console() != null,
              out,
              err,
              Clock.systemUTC());
      explained.ifPresent(r -> print(r, out));
    }
    out.flush();
    return ExitCodes.OK;
  }

  private void print(AnalysisReport report, PrintWriter out) {
    switch (format) {
      case JSON, JSONL -> JsonReport.write(report, top, format == Format.JSON, out);
      case MARKDOWN -> MarkdownReport.write(report, top, out);
      default -> TextReport.write(report, top, out);
    }
  }
}
