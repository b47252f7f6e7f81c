package dev.destill.app.watch;

import com.googlecode.lanterna.screen.TerminalScreen;
import com.googlecode.lanterna.terminal.DefaultTerminalFactory;
import com.googlecode.lanterna.terminal.MouseCaptureMode;
import com.googlecode.lanterna.terminal.Terminal;
import com.googlecode.lanterna.terminal.ansi.UnixLikeTerminal;
import dev.destill.app.cli.CommonOptions;
import dev.destill.app.cli.DisplayOptions;
import dev.destill.app.cli.ExitCodes;
import dev.destill.app.cli.FormatOption;
import dev.destill.app.cli.VersionInfo;
import dev.destill.app.config.Settings;
import dev.destill.app.output.Format;
import dev.destill.app.rules.UserRules;
import dev.destill.app.wiring.Services;
import dev.destill.core.engine.Rules;
import dev.destill.core.store.FindingStore;
import dev.destill.live.tail.FileTail;
import dev.destill.live.tail.FileWatch;
import dev.destill.tui.TriageUi;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code destill watch}: follows growing log files and shows what fails as it happens. */
@Command(
    name = "watch",
    mixinStandardHelpOptions = true,
    versionProvider = VersionInfo.class,
    description = {
      "Follows growing log files, as tail -F does (across rotation and truncation, and files that"
          + " appear later), and shows the findings of each error as it is written.",
      "",
      "FILE is a path, or a path whose file name is a pattern ('logs/*.log', quoted). Each file is"
          + " one live stream: the lines around an error are analyzed as one window, when 30 lines"
          + " pass without another error or the file is quiet for 2 s, and saved to the history"
          + " (as live:file/PATH).",
      "",
      "At a terminal the interactive UI shows the findings as they come (q quits). With --format"
          + " jsonl, or when standard output is not a terminal, each finding is printed as one JSON"
          + " line as soon as it is found; --format text prints one line per finding. --top limits"
          + " the findings printed of each window."
    },
    footer = {
      "",
      "Exit codes: 0 stopped by q, 2 usage error, 3 the history cannot be opened, 130"
          + " interrupted (Ctrl-C), 143 terminated (SIGTERM). Ctrl-C and SIGTERM analyze what is"
          + " open and print it before exiting.",
      "",
      "Examples:",
      "  make 2>&1 | tee build.log        # in one terminal",
      "  destill watch build.log          # in another",
      "  destill watch --from-start 'logs/*.log' | jq .finding.message"
    })
public final class WatchCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  private final Services services;

  public WatchCommand(Services services) {
    this.services = services;
  }

  @Mixin CommonOptions common;

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "What to follow (see above).")
  List<String> files;

  @Mixin FormatOption formatOption;

  @Mixin DisplayOptions display;

  @Option(
      names = "--from-start",
      description =
          "Read the files there when the watch starts from their start, not only what is written"
              + " after (files that appear later are always read whole).")
  boolean fromStart;

  @Override
  public Integer call() throws IOException {
    Format format = formatOption.require(Format.TEXT, Format.JSONL);
    int top = display.top();
    List<FileWatch.Spec> specs = new ArrayList<>();
    for (String f : files) {
      specs.add(FileWatch.Spec.parse(f));
    }
    Settings settings = services.settings();
    Rules rules = UserRules.rules(UserRules.files(settings.configDir(), Path.of("")));
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    boolean tui =
        !formatOption.given()
            && !display.noTui()
            && System.console() != null
            && !"dumb".equals(settings.get(Settings.TERM));
    try (FindingStore store = services.openHistory()) {
      if (tui) {
        return ui(specs, rules, store, settings);
      }
      boolean json = format == Format.JSONL || !formatOption.given() && !stdoutIsTerminal();
      return lines(specs, rules, store, new FindingLines(out, json, top), err);
    }
  }

  private int ui(List<FileWatch.Spec> specs, Rules rules, FindingStore store, Settings settings)
      throws IOException {
    Terminal terminal =
        new DefaultTerminalFactory(System.out, System.in, StandardCharsets.UTF_8)
            .setMouseCaptureMode(MouseCaptureMode.CLICK_RELEASE)
            .setUnixTerminalCtrlCBehaviour(UnixLikeTerminal.CtrlCBehaviour.TRAP)
            .createTerminal();
    String title = "watch " + String.join(" ", files);
    TriageUi.Outcome outcome;
    try {
      outcome =
          WatchScreen.run(
              new TerminalScreen(terminal),
              title,
              !settings.isSet(Settings.NO_COLOR),
              settings.get(Settings.PAGER),
              (onAnalysis, listener) ->
                  Watching.start(
                      specs, fromStart, store, rules, services.clock(), onAnalysis, listener));
    } finally {
      terminal.close();
    }
    return outcome == TriageUi.Outcome.INTERRUPTED ? ExitCodes.INTERRUPTED : ExitCodes.OK;
  }

  /**
   * Prints findings until the process is told to stop (Ctrl-C, SIGTERM): then what is open is
   * analyzed and printed, from the shutdown hook, before the process exits.
   */
  private int lines(
      List<FileWatch.Spec> specs,
      Rules rules,
      FindingStore store,
      FindingLines printer,
      PrintWriter err) {
    FileWatch.Listener listener =
        new FileWatch.Listener() {
          @Override
          public void event(String file, FileTail.Event event) {
            if (event != FileTail.Event.OPENED) {
              say(err, file + " " + event.name().toLowerCase(java.util.Locale.ROOT));
            }
          }

          @Override
          public void failed(String file, String message) {
            say(err, file + ": " + message);
          }
        };
    Watching watching =
        Watching.start(specs, fromStart, store, rules, services.clock(), printer::print, listener);
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook =
        Thread.ofPlatform()
            .name("destill-watch-stop")
            .unstarted(
                () -> {
                  watching.close();
                  stopped.countDown();
                });
    Runtime.getRuntime().addShutdownHook(hook);
    say(err, "watching " + String.join(", ", files) + " (Ctrl-C stops)");
    for (FileWatch.Spec s : specs) {
      if (!s.glob() && !Files.exists(s.dir().resolve(s.name()))) {
        say(err, s.display() + " does not exist yet; waiting for it");
      }
    }
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      Runtime.getRuntime().removeShutdownHook(hook);
      watching.close();
    }
    return ExitCodes.INTERRUPTED;
  }

  private static void say(PrintWriter err, String message) {
    synchronized (err) {
      err.println("destill: " + message);
      err.flush();
    }
  }

  /** Whether standard output is a terminal (Linux: the link of fd 1; elsewhere the console). */
  static boolean stdoutIsTerminal() {
    try {
      String target = Files.readSymbolicLink(Path.of("/proc/self/fd/1")).toString();
      return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
    } catch (IOException | RuntimeException e) {
      return System.console() != null;
    }
  }
}
