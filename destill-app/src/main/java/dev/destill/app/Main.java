package dev.destill.app;

import dev.destill.app.cli.VersionInfo;
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
    },
    subcommands = {
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
      CommandLine.HelpCommand.class,
    })
public final class Main implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns its exit code; used by {@link #main} and by tests. */
  public static int run(String... args) {
    return Cli.commandLine(System.getenv()).execute(args);
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
