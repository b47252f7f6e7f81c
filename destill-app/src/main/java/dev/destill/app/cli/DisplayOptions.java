package dev.destill.app.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** How findings are shown: {@code --top} and {@code --no-tui}, shared by analyze and view. */
public final class DisplayOptions {
  @Spec(Spec.Target.MIXEE)
  CommandSpec mixee;

  @Option(
      names = "--top",
      paramLabel = "N",
      description = "Show at most N findings (default: ${DEFAULT-VALUE}).")
  int top = 20;

  @Option(
      names = "--no-tui",
      description =
          "Print the ranked list even at a terminal, instead of opening the interactive UI.")
  boolean noTui;

  /** How many findings to show, checked. */
  public int top() {
    if (top < 1) {
      throw new ParameterException(mixee.commandLine(), "--top must be at least 1, was " + top);
    }
    return top;
  }

  public boolean noTui() {
    return noTui;
  }
}
