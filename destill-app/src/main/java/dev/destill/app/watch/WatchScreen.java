package dev.destill.app.watch;

import com.googlecode.lanterna.screen.Screen;
import dev.destill.core.model.Finding;
import dev.destill.core.model.ProgressEvent;
import dev.destill.live.tail.FileWatch;
import dev.destill.live.window.WindowAnalysis;
import dev.destill.tui.Inbox;
import dev.destill.tui.TriageModel;
import dev.destill.tui.TriageUi;
import java.io.IOException;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * The triage screen over a watch: each analyzed window's findings join the list as they are found
 * (repeats fold into one row with a count), the header says how much of the files was read, and a
 * file that cannot be read shows on the status line. Runs on the calling thread until the user
 * quits.
 */
public final class WatchScreen {
  private WatchScreen() {}

  /**
   * Starts the watch with {@code start} (given where analyses and file events go) and shows it on
   * {@code screen} until the user quits; then stops the watch.
   */
  public static TriageUi.Outcome run(
      Screen screen,
      String title,
      boolean color,
      String pager,
      BiFunction<Consumer<WindowAnalysis>, FileWatch.Listener, Watching> start)
      throws IOException {
    Inbox inbox = new Inbox();
    Consumer<WindowAnalysis> onAnalysis =
        a -> {
          for (Finding f : a.findings()) {
            inbox.finding(f);
          }
        };
    FileWatch.Listener listener =
        new FileWatch.Listener() {
          @Override
          public void read(String file, long bytes) {
            inbox.progress(new ProgressEvent.JobReading(file, bytes));
          }

          @Override
          public void failed(String file, String message) {
            inbox.progress(new ProgressEvent.Warning(file + ": " + message));
          }
        };
    try (Watching watching = start.apply(onAnalysis, listener)) {
      TriageUi ui =
          new TriageUi(
              screen, new TriageModel(title), inbox, color, f -> Optional.empty(), s -> {}, pager);
      return ui.run();
    }
  }
}
