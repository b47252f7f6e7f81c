package dev.destill.app;

import dev.destill.app.analysis.AnalysisListener;
import dev.destill.app.analysis.AnalysisReport;
import dev.destill.app.analysis.AnalysisRequest;
import dev.destill.app.analysis.AnalysisService;
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
import dev.destill.core.model.JobState;
import dev.destill.core.model.ProgressEvent;
import dev.destill.core.model.Tier;
import dev.destill.core.store.FindingStore;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code destill analyze}: finds why a build failed, from its URL or its log files. */
@Command(
    name = "analyze",
    mixinStandardHelpOptions = true,
    versionProvider = VersionInfo.class,
    description = {
      "Analyzes the logs of a failed build and prints the lines that explain the failure, "
          + "ranked by confidence.",
      "",
      "TARGET is a log file, a directory (each file is one job; *.xml JUnit reports are read "
          + "too), '-' for standard input, a .gz file, or a Buildkite, GitHub Actions or GitLab "
          + "build URL.",
      "",
      "--format prints text, json, jsonl or markdown; jsonl analyzes each TARGET on its own and"
          + " prints one object per line as each finishes."
    },
    footer = {
      "",
      "Exit codes: 0 analysis ran (whether or not it found errors), 2 usage error, 3 input "
          + "error, 4 --fail-on threshold reached.",
      "",
      "Examples:",
      "  destill analyze build.log",
      "  destill analyze --format json logs/ > findings.json",
      "  kubectl logs job/ci | destill analyze -",
      "  destill analyze https://github.com/OWNER/REPO/actions/runs/123"
    })
public final class AnalyzeCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  private final Services services;

  public AnalyzeCommand(Services services) {
    this.services = services;
  }

  @Mixin CommonOptions common;

  @Parameters(arity = "1..*", paramLabel = "TARGET", description = "What to analyze (see above).")
  List<String> targets;

  @Mixin FormatOption formatOption;

  @Mixin DisplayOptions display;

  @Option(
      names = "--job-state",
      paramLabel = "STATE",
      description =
          "State of local log files: failed, passed or unknown (default: ${DEFAULT-VALUE}). "
              + "Errors that also appear in passed jobs are ranked lower.")
  String jobState = "failed";

  @Option(
      names = "--fail-on",
      paramLabel = "CONFIDENCE",
      description =
          "Exit with code 4 when a tier-1 finding has at least this confidence (0..1); "
              + "for use as a CI step.")
  Double failOn;

  @Option(
      names = "--no-history",
      description = "Do not save this analysis to the history, nor compare it with earlier builds.")
  boolean noHistory;

  @Option(
      names = "--parallel",
      paramLabel = "N",
      description =
          "How many job logs to read, and log chunks to analyze, at once (default: the number of"
              + " CPU cores).")
  int parallel = Runtime.getRuntime().availableProcessors();

  @Override
  public Integer call() throws java.io.IOException {
    validate();
    int top = display.top();
    Format format = formatOption.require(Format.values());
    JobState localState = parseState();
    AnalysisService service = new AnalysisService(services.providers(localState), services.clock());
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    AnalysisListener listener = progressPrinter(err);
    boolean failed = false;
    if (!formatOption.given() && !display.noTui() && Tui.available(services.settings())) {
      AnalysisRequest request = new AnalysisRequest(targets, parallel);
      java.util.Optional<AnalysisReport> report =
          Tui.run(
              request.input(),
              services.settings(),
              l ->
                  remember(
                      service.analyze(request, l),
                      m -> l.onProgress(new ProgressEvent.Warning(m))));
      return report.isPresent() && reachesThreshold(report.get())
          ? ExitCodes.FAILURE_FOUND
          : ExitCodes.OK;
    }
    if (format == Format.JSONL) {
      for (String target : targets) {
        AnalysisReport report =
            remember(
                service.analyze(new AnalysisRequest(List.of(target), parallel), listener),
                warn(err));
        JsonReport.write(report, top, false, out);
        failed |= reachesThreshold(report);
      }
    } else {
      AnalysisReport report =
          remember(service.analyze(new AnalysisRequest(targets, parallel), listener), warn(err));
      switch (format) {
        case JSON -> JsonReport.write(report, top, true, out);
        case MARKDOWN -> MarkdownReport.write(report, top, out);
        default -> TextReport.write(report, top, out);
      }
      failed = reachesThreshold(report);
    }
    out.flush();
    return failed ? ExitCodes.FAILURE_FOUND : ExitCodes.OK;
  }

  /**
   * Saves the analysis to the history and adds what earlier builds say about each finding. A
   * history that cannot be used only costs a warning: the analysis itself stands.
   */
  private AnalysisReport remember(
      AnalysisReport report, java.util.function.Consumer<String> warning) {
    if (noHistory) {
      return report;
    }
    try (FindingStore store = services.openHistory()) {
      return HistoryStore.record(store, report);
    } catch (RuntimeException e) {
      warning.accept("history not saved: " + Cli.oneLine(e));
      return report;
    }
  }

  /** Warnings to stderr, one line each; the UI shows them in its status line instead. */
  private static java.util.function.Consumer<String> warn(PrintWriter err) {
    return m -> {
      synchronized (err) {
        err.println("destill: warning: " + m);
        err.flush();
      }
    };
  }

  private void validate() {
    if (parallel < 1) {
      throw new ParameterException(
          spec.commandLine(), "--parallel must be at least 1, was " + parallel);
    }
    if (failOn != null && (failOn < 0 || failOn > 1)) {
      throw new ParameterException(
          spec.commandLine(), "--fail-on takes a confidence from 0 to 1, was " + failOn);
    }
  }

  private JobState parseState() {
    try {
      JobState s = JobState.parse(jobState);
      if (s != JobState.FAILED && s != JobState.PASSED && s != JobState.UNKNOWN) {
        throw new IllegalArgumentException("--job-state takes failed, passed or unknown");
      }
      return s;
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--job-state: " + e.getMessage());
    }
  }

  private boolean reachesThreshold(AnalysisReport report) {
    if (failOn == null) {
      return false;
    }
    for (Finding f : report.findings()) {
      if (f.tierLevel() == Tier.LIKELY_CAUSE && f.confidence() >= failOn) {
        return true;
      }
    }
    return false;
  }

  /**
   * Warnings go to stderr as they happen; at a terminal, so does progress (jobs found, logs read,
   * MB read). Results go to stdout at the end.
   */
  private AnalysisListener progressPrinter(PrintWriter err) {
    boolean interactive = System.console() != null;
    java.util.concurrent.atomic.AtomicLong bytes = new java.util.concurrent.atomic.AtomicLong();
    java.util.concurrent.atomic.AtomicInteger done =
        new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicInteger total =
        new java.util.concurrent.atomic.AtomicInteger();
    return new AnalysisListener() {
      @Override
      public void onProgress(ProgressEvent event) {
        String line =
            switch (event) {
              case ProgressEvent.Warning w -> "destill: warning: " + w.message();
              case ProgressEvent.BuildResolved b when interactive -> resolved(b);
              case ProgressEvent.JobFinished f when interactive -> read(f);
              case ProgressEvent.BuildResolved _,
                  ProgressEvent.JobFinished _,
                  ProgressEvent.JobStarted _,
                  ProgressEvent.Completed _ ->
                  null;
            };
        if (line != null) {
          synchronized (err) {
            err.println(line);
            err.flush();
          }
        }
      }

      private String resolved(ProgressEvent.BuildResolved b) {
        total.addAndGet(b.jobs());
        return "destill: "
            + b.title()
            + ": "
            + b.jobs()
            + " job"
            + (b.jobs() == 1 ? "" : "s")
            + " ("
            + b.failedJobs()
            + " failed)";
      }

      private String read(ProgressEvent.JobFinished f) {
        long mb = bytes.addAndGet(f.bytes()) >> 20;
        return String.format(
            java.util.Locale.ROOT,
            "destill: read %s (%d/%d logs, %d MB)",
            f.job(),
            done.incrementAndGet(),
            total.get(),
            mb);
      }
    };
  }
}
