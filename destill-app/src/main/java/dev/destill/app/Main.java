package dev.destill.app;

import dev.destill.app.cli.VersionInfo;
import dev.destill.app.wiring.Services;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code destill} command and its subcommands. */
@Command(
    name = "destill",
    mixinStandardHelpOptions = true,
    versionProvider = VersionInfo.class,
    description = {
      "Finds why a CI/CD build failed: reads the logs of a failed build, picks out the lines "
          + "that explain the failure and ranks them by confidence."
    })
public final class Main implements Runnable {

  /** The subcommands, in the order help lists them. */
  static final List<Class<?>> COMMANDS =
      List.of(
          AnalyzeCommand.class,
          ViewCommand.class,
          HistoryCommand.class,
          ConfigCommand.class,
          dev.destill.app.distributed.SubmitCommand.class,
          dev.destill.app.distributed.StatusCommand.class,
          dev.destill.app.distributed.AgentCommand.class,
          dev.destill.app.eval.EvalCommand.class,
          dev.destill.app.rules.RulesCommand.class,
          dev.destill.app.mcp.McpCommand.class,
          dev.destill.app.serve.ServeCommand.class,
          dev.destill.app.watch.WatchCommand.class,
          dev.destill.app.explain.ExplainCommand.class,
          dev.destill.app.stats.StatsCommand.class,
          CompletionCommand.class,
          ManCommand.class,
          CommandLine.HelpCommand.class);

  // Commands that read the others' models: help lists them, completion and man pages describe them.
  private static final Set<String> READ_ALL = Set.of("help", "completion", "man");

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns its exit code; used by {@link #main} and by tests. */
  public static int run(String... args) {
    return Cli.commandLine(Services.forProcess(System.getenv()), commandsFor(args)).execute(args);
  }

  /**
   * The subcommands a command line needs: the one its first word names, none to print the version,
   * or all of them. Picocli builds the model of every command it is given, which takes a third of
   * its start-up; a command runs without its siblings' models, but help, a mistyped name and the
   * commands that describe the others need them all.
   */
  static List<Class<?>> commandsFor(String... args) {
    if (args.length == 0 || READ_ALL.contains(args[0])) {
      return COMMANDS;
    }
    if (args[0].equals("-V") || args[0].equals("--version")) {
      return List.of();
    }
    for (Class<?> c : COMMANDS) {
      Command command = c.getAnnotation(Command.class);
      if (command.name().equals(args[0]) || Arrays.asList(command.aliases()).contains(args[0])) {
        return List.of(c);
      }
    }
    return COMMANDS;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
