package dev.destill.app;

import com.googlecode.lanterna.screen.TerminalScreen;
import com.googlecode.lanterna.terminal.DefaultTerminalFactory;
import com.googlecode.lanterna.terminal.MouseCaptureMode;
import com.googlecode.lanterna.terminal.Terminal;
import com.googlecode.lanterna.terminal.ansi.UnixLikeTerminal;
import dev.destill.app.analysis.AnalysisListener;
import dev.destill.app.analysis.AnalysisReport;
import dev.destill.app.config.Settings;
import dev.destill.core.DestillException;
import dev.destill.core.model.Finding;
import dev.destill.core.model.ProgressEvent;
import dev.destill.tui.Inbox;
import dev.destill.tui.LogOpener;
import dev.destill.tui.TriageModel;
import dev.destill.tui.TriageUi;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/** Runs an analysis behind the interactive terminal UI, findings appearing as they are found. */
final class Tui {
  private Tui() {}

  /** Whether the UI can run: a real terminal that is not {@code dumb}. */
  static boolean available(Settings settings) {
    return System.console() != null && !"dumb".equals(settings.get(Settings.TERM));
  }

  /**
   * Whether standard input is a terminal rather than a pipe or a file: then {@code analyze -} would
   * wait for typed lines. Java tells only when both stdin and stdout are terminals; on Linux the
   * link of fd 0 tells about stdin alone.
   */
  static boolean stdinIsTerminal() {
    if (System.console() != null) {
      return true;
    }
    try {
      String target = Files.readSymbolicLink(Path.of("/proc/self/fd/0")).toString();
      return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
    } catch (IOException | RuntimeException e) {
      return false; // not Linux, or no such link: assume a pipe, as before
    }
  }

  /**
   * What the UI ended with.
   *
   * @param report the analysis, when it finished before the user quit
   * @param interrupted the user pressed Ctrl-C
   */
  record Result(Optional<AnalysisReport> report, boolean interrupted) {}

  /**
   * Starts {@code analysis} on a background thread and shows its findings until the user quits.
   * Returns the report when the analysis finished before that.
   */
  static Result run(
      String title, Settings settings, Function<AnalysisListener, AnalysisReport> analysis)
      throws IOException {
    return run(title, settings, analysis, UnaryOperator.identity());
  }

  /**
   * Like {@link #run(String, Settings, Function)}, then {@code explain} adds the model's
   * explanation to the finished report while its ranking is already on screen; the UI shows it (key
   * {@code e}) when there is one, and any warning it adds in the status line.
   */
  static Result run(
      String title,
      Settings settings,
      Function<AnalysisListener, AnalysisReport> analysis,
      UnaryOperator<AnalysisReport> explain)
      throws IOException {
    Inbox inbox = new Inbox();
    AtomicReference<AnalysisReport> result = new AtomicReference<>();
    Thread worker =
        new Thread(
            () -> {
              try {
                AnalysisReport report =
                    analysis.apply(
                        new AnalysisListener() {
                          @Override
                          public void onProgress(ProgressEvent event) {
                            if (!(event instanceof ProgressEvent.Completed)) {
                              inbox.progress(event);
                            }
                          }

                          @Override
                          public void onFinding(Finding finding) {
                            inbox.finding(finding);
                          }
                        });
                result.set(report);
                inbox.ranked(report.findings());
                inbox.progress(new ProgressEvent.Completed(report.findings().size()));
                AnalysisReport explained = explain.apply(report);
                result.set(explained);
                explained.warnings().stream()
                    .skip(report.warnings().size())
                    .forEach(w -> inbox.progress(new ProgressEvent.Warning(w)));
                explained.explanation().ifPresent(inbox::explanation);
              } catch (DestillException e) {
                inbox.progress(new ProgressEvent.Warning(e.getMessage()));
                inbox.progress(new ProgressEvent.Completed(0));
              } catch (RuntimeException e) {
                inbox.progress(new ProgressEvent.Warning("analysis failed: " + Cli.oneLine(e)));
                inbox.progress(new ProgressEvent.Completed(0));
              }
            },
            "destill-analysis");
    worker.setDaemon(true);
    worker.start();

    Terminal terminal =
        new DefaultTerminalFactory(System.out, System.in, StandardCharsets.UTF_8)
            .setMouseCaptureMode(MouseCaptureMode.CLICK_RELEASE)
            // Ctrl-C reaches the UI as a key: it restores the screen and exits with 130.
            .setUnixTerminalCtrlCBehaviour(UnixLikeTerminal.CtrlCBehaviour.TRAP)
            .createTerminal();
    PrintStream raw = System.out;
    TriageUi ui =
        new TriageUi(
            new TerminalScreen(terminal),
            new TriageModel(title),
            inbox,
            !settings.isSet(Settings.NO_COLOR),
            localLog(),
            s -> {
              raw.print(s);
              raw.flush();
            },
            settings.get(Settings.PAGER));
    TriageUi.Outcome outcome = ui.run();
    terminal.close();
    return new Result(Optional.ofNullable(result.get()), outcome == TriageUi.Outcome.INTERRUPTED);
  }

  /** Local jobs are named by their path; plain files can be opened in a pager. */
  private static LogOpener localLog() {
    return f -> {
      try {
        Path p = Path.of(f.job());
        return Files.isRegularFile(p) && !p.toString().endsWith(".gz")
            ? Optional.of(p)
            : Optional.empty();
      } catch (RuntimeException e) {
        return Optional.empty();
      }
    };
  }
}
