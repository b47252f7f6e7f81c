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
import dev.destill.app.config.Settings;
import dev.destill.app.history.HistoryStore;
import dev.destill.app.output.Format;
import dev.destill.app.output.GithubReport;
import dev.destill.app.output.JsonReport;
import dev.destill.app.output.MarkdownReport;
import dev.destill.app.output.TextReport;
import dev.destill.app.wiring.Services;
import dev.destill.core.DestillException;
import dev.destill.core.model.Finding;
import dev.destill.core.model.JobState;
import dev.destill.core.model.ProgressEvent;
import dev.destill.core.model.Tier;
import dev.destill.core.store.FindingStore;
import java.io.PrintWriter;
import java.nio.file.Path;
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
          + "too), '-' for standard input (a pipe; at a terminal only with --no-tui), a .gz file, or a Buildkite, GitHub Actions or GitLab "
          + "build URL.",
      "",
      "--format prints text, json, jsonl or markdown; jsonl analyzes each TARGET on its own and"
          + " prints one object per line as each finishes."
    },
    footer = {
      "",
      "Exit codes: 0 analysis ran (whether or not it found errors), 2 usage error, 3 input "
          + "error, 4 --fail-on threshold reached, 130 interrupted (Ctrl-C). With --format jsonl, "
          + "an input that cannot be read prints an error object and the others go on (exit 3 at "
          + "the end).",
      "",
      "Examples:",
      "  destill analyze build.log",
      "  destill analyze --format json logs/ > findings.json",
      "  kubectl logs job/ci | destill analyze -",
      "  destill analyze https://github.com/OWNER/REPO/actions/runs/123",
      "  destill analyze --format markdown build.log >> \"$GITHUB_STEP_SUMMARY\"",
      "  destill analyze --format github build.log      # annotations in a GitHub Actions step"
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
      names = {"-C", "--context"},
      paramLabel = "N",
      description =
          "With text output, also print N lines before and after each finding's block, as grep -C "
              + "does (up to 15 before and 30 after; default: ${DEFAULT-VALUE}).")
  int context = 0;

  @Option(
      names = "--job-state",
      paramLabel = "STATE",
      description =
          "State of local log files: failed, passed or unknown (default: ${DEFAULT-VALUE}). "
              + "Errors that also appear in passed jobs are ranked lower.")
  String jobState = "failed";

  @Option(
      names = "--baseline",
      paramLabel = "BASELINE",
      description =
          "Compare with a passing run: a log file (or .gz), a directory of logs paired with the"
              + " targets by file name, a passing build's URL (jobs paired by name and matrix"
              + " values), or auto: the last green build of the same pipeline on the branch, else"
              + " the default branch (default: auto, which applies to build URLs). Findings the"
              + " baseline shows too rank lower; new ones are marked (docs/baseline.md).")
  String baseline;

  @Option(names = "--no-baseline", description = "Compare with no passing run.")
  boolean noBaseline;

  @Option(
      names = "--fail-on",
      paramLabel = "CONFIDENCE",
      description =
          "Exit with code 4 when a tier-1 finding has at least this confidence (0..1); "
              + "for use as a CI step.")
  Double failOn;

  @Option(
      names = "--no-history",
      description =
          "Do not save this analysis to the history or the statistics (destill stats), nor"
              + " compare it with earlier builds.")
  boolean noHistory;

  @Option(
      names = "--project",
      paramLabel = "NAME",
      description =
          "The project this build belongs to, for 'seen in N of the last 20 builds' (default: the "
              + "repository or pipeline of a build URL, the folder of local files).")
  String project = "";

  @Option(
      names = "--explain",
      arity = "0..1",
      paramLabel = "MODE",
      parameterConsumer = dev.destill.app.explain.Explaining.ModeConsumer.class,
      description =
          "Ask the model set by DESTILL_LLM_URL and DESTILL_LLM_MODEL to explain the top findings"
              + " (off unless both are set; see docs/explain.md). MODE: on (the default; reuses the"
              + " explanation of the same failure), refresh (asks again), dry-run (prints exactly"
              + " what would be sent and sends nothing). In the interactive UI, key e shows it.")
  dev.destill.core.explain.Explainer.Mode explain;

  @Option(
      names = "--parallel",
      paramLabel = "N",
      description =
          "How many job logs to read, and log chunks to analyze, at once: 1 to 256 (default: the"
              + " number of CPU cores).")
  int parallel = Runtime.getRuntime().availableProcessors();

  /** The most logs read and chunks analyzed at once: each holds buffers of its own. */
  public static final int MAX_PARALLEL = 256;

  @Override
  public Integer call() throws java.io.IOException {
    validate();
    if (targets.contains("-")) {
      Stdin.requireOpen();
    }
    int top = display.top();
    Format format = formatOption.require(Format.values());
    JobState localState = parseState();
    AnalysisService plain =
        new AnalysisService(services.providers(localState), services.clock(), services.codec())
            .withRules(
                dev.destill.app.rules.UserRules.rules(
                    dev.destill.app.rules.UserRules.files(
                        services.settings().configDir(), Path.of(""))));
    AnalysisService service = noHistory ? plain : plain.withStats(counts);
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    AnalysisListener listener = progressPrinter(err);
    boolean failed = false;
    boolean tui =
        !formatOption.given()
            && !display.noTui()
            && explain != dev.destill.core.explain.Explainer.Mode.DRY_RUN
            && Tui.available(services.settings());
    if (targets.contains("-") && Tui.stdinIsTerminal()) {
      if (tui) {
        // The UI reads its keys from the terminal: it cannot also take a typed log from it.
        throw new ParameterException(
            spec.commandLine(),
            "'-' reads a log from standard input, which is this terminal: pipe a log in "
                + "(kubectl logs job/ci | destill analyze -), or give a file");
      }
      err.println("destill: reading standard input (Ctrl-D to end, Ctrl-C to cancel)");
      err.flush();
    }
    if (tui) {
      AnalysisRequest request = new AnalysisRequest(targets, parallel, baselineChoice());
      Tui.Result shown =
          Tui.run(
              request.input(),
              services.settings(),
              l ->
                  remember(
                      service.analyze(request, l), m -> l.onProgress(new ProgressEvent.Warning(m))),
              report -> explainBehindTheUi(report, format));
      if (shown.interrupted()) {
        return ExitCodes.INTERRUPTED;
      }
      return shown.report().isPresent() && reachesThreshold(shown.report().get())
          ? ExitCodes.FAILURE_FOUND
          : ExitCodes.OK;
    }
    if (format == Format.JSONL) {
      boolean inputError = false;
      for (String target : targets) {
        AnalysisReport report;
        try {
          report =
              remember(
                  service.analyze(
                      new AnalysisRequest(List.of(target), parallel, baselineChoice()), listener),
                  warn(err));
        } catch (DestillException e) {
          // One input that cannot be read does not cost the others their analysis.
          JsonReport.writeError(target, Cli.oneLine(e), out);
          inputError = true;
          continue;
        }
        java.util.Optional<AnalysisReport> explained = explained(report, format, out, err);
        if (explained.isEmpty()) {
          continue;
        }
        report = explained.get();
        JsonReport.write(report, top, false, out);
        failed |= reachesThreshold(report);
        saved(report, err);
      }
      out.flush();
      if (inputError) {
        return ExitCodes.INPUT;
      }
    } else {
      AnalysisReport report =
          remember(
              service.analyze(new AnalysisRequest(targets, parallel, baselineChoice()), listener),
              warn(err));
      java.util.Optional<AnalysisReport> explained = explained(report, format, out, err);
      if (explained.isEmpty()) {
        out.flush();
        return ExitCodes.OK;
      }
      report = explained.get();
      switch (format) {
        case JSON -> JsonReport.write(report, top, true, out);
        case MARKDOWN -> MarkdownReport.write(report, top, out);
        case GITHUB ->
            GithubReport.write(
                report, top, services.settings().find(Settings.GITHUB_WORKSPACE).orElse(""), out);
        default -> TextReport.write(report, top, context, out);
      }
      failed = reachesThreshold(report);
      if (format != Format.TEXT) {
        saved(report, err);
      }
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
    List<dev.destill.core.stats.LineCount> lines = counts.drain();
    if (!lines.isEmpty()) {
      try (dev.destill.core.stats.StatsStore stats = services.openStats("analyze")) {
        stats.add(lines);
      } catch (RuntimeException e) {
        warning.accept("statistics not saved: " + Cli.oneLine(e));
      }
    }
    try (FindingStore store = services.openHistory()) {
      return HistoryStore.record(store, report, project);
    } catch (RuntimeException e) {
      warning.accept("history not saved: " + Cli.oneLine(e));
      return report;
    }
  }

  /** The line counts of the analyses of this run, written with the history. */
  private final dev.destill.app.analysis.CountsCollector counts =
      new dev.destill.app.analysis.CountsCollector();

  /** Says on stderr where the analysis was saved, when stdout is taken by a machine format. */
  private void saved(AnalysisReport report, PrintWriter err) {
    if (noHistory) {
      return;
    }
    synchronized (err) {
      err.println(
          "destill: saved as "
              + report.requestId()
              + " ('destill view "
              + report.requestId()
              + "' or 'destill view last' reopens it)");
      err.flush();
    }
  }

  /**
   * The report with its explanation when {@code --explain} asks for one; empty after a dry run,
   * which prints what would be sent instead of the report.
   */
  private java.util.Optional<AnalysisReport> explained(
      AnalysisReport report, Format format, PrintWriter out, PrintWriter err) {
    boolean json = format == Format.JSON || format == Format.JSONL;
    return explained(report, format, out, err, !json && System.console() != null);
  }

  private java.util.Optional<AnalysisReport> explained(
      AnalysisReport report, Format format, PrintWriter out, PrintWriter err, boolean stream) {
    if (explain == null) {
      return java.util.Optional.of(report);
    }
    boolean json = format == Format.JSON || format == Format.JSONL;
    if (noHistory) {
      return dev.destill.app.explain.Explaining.run(
          services.settings().llmEnv(),
          java.util.Optional.empty(),
          report,
          explain,
          json,
          stream,
          out,
          err,
          services.clock());
    }
    try (FindingStore store = services.openHistory()) {
      return dev.destill.app.explain.Explaining.run(
          services.settings().llmEnv(),
          java.util.Optional.of(store),
          report,
          explain,
          json,
          stream,
          out,
          err,
          services.clock());
    }
  }

  /**
   * The report explained for the UI: nothing is streamed and nothing written to the terminal the UI
   * draws on; a failure is a warning of the report, which the UI shows.
   */
  private AnalysisReport explainBehindTheUi(AnalysisReport report, Format format) {
    if (explain == null) {
      return report;
    }
    PrintWriter quiet = new PrintWriter(java.io.Writer.nullWriter());
    try {
      return explained(report, format, quiet, quiet, false).orElse(report);
    } catch (DestillException e) {
      return report.withWarning("explanation: " + Cli.oneLine(e));
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

  private dev.destill.core.provider.BaselineChoice baselineChoice() {
    if (noBaseline) {
      return dev.destill.core.provider.BaselineChoice.NONE;
    }
    return baseline == null
        ? dev.destill.core.provider.BaselineChoice.AUTO
        : dev.destill.core.provider.BaselineChoice.parse(baseline);
  }

  private void validate() {
    if (noBaseline && baseline != null) {
      throw new ParameterException(
          spec.commandLine(), "--baseline and --no-baseline exclude each other");
    }
    if (baseline != null && baseline.isBlank()) {
      throw new ParameterException(
          spec.commandLine(), "--baseline needs a file, a directory, a URL or auto");
    }
    if (context < 0) {
      throw new ParameterException(
          spec.commandLine(), "--context must be 0 or more, was " + context);
    }
    if (parallel < 1 || parallel > MAX_PARALLEL) {
      throw new ParameterException(
          spec.commandLine(),
          "--parallel takes 1 to " + MAX_PARALLEL + " (logs read at once), was " + parallel);
    }
    if (failOn != null && (failOn.isNaN() || failOn < 0 || failOn > 1)) {
      throw new ParameterException(
          spec.commandLine(), "--fail-on takes a confidence from 0 to 1, was " + failOn);
    }
  }

  /** The states a local log file can be given. */
  private static final List<JobState> LOCAL_STATES =
      List.of(JobState.FAILED, JobState.PASSED, JobState.UNKNOWN);

  private JobState parseState() {
    java.util.Optional<JobState> s;
    try {
      s = java.util.Optional.of(JobState.parse(jobState)).filter(LOCAL_STATES::contains);
    } catch (IllegalArgumentException e) {
      s = java.util.Optional.empty();
    }
    return s.orElseThrow(
        () ->
            new ParameterException(
                spec.commandLine(),
                "--job-state takes failed, passed or unknown, was '" + jobState + "'"));
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
                  // The UI draws reading progress; printed lines stay one per log.
                  ProgressEvent.JobReading _,
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
