package dev.destill.app.cli;

import picocli.CommandLine.Option;

/** Options every subcommand shares. */
public final class CommonOptions {
  @Option(
      names = {"-v", "--verbose"},
      description = "Print stack traces and details of errors.")
  public boolean verbose;
}
