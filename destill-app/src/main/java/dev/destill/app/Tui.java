package dev.destill.app;

import com.googlecode.lanterna.screen.TerminalScreen;
import com.googlecode.lanterna.terminal.DefaultTerminalFactory;
import com.googlecode.lanterna.terminal.MouseCaptureMode;
import com.googlecode.lanterna.terminal.Terminal;
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

/** Runs an analysis behind the interactive terminal UI, findings appearing as they are found. */
final class Tui {
  private Tui() {}

  /** Whether the UI can run: a real terminal that is not {@code dumb}. */
  static boolean available(Settings settings) {
    return System.console() != null && !"dumb".equals(settings.get(Settings.TERM));
  }

  /**
   * Starts {@code analysis} on a background thread and shows its findings until the user quits.
   * Returns the report when the analysis finished before that.
   */
  static Optional<AnalysisReport> run(
      String title, Settings settings, Function<AnalysisListener, AnalysisReport> analysis)
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
    ui.run();
    terminal.close();
    return Optional.ofNullable(result.get());
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
