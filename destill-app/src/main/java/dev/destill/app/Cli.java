package dev.destill.app;

import dev.destill.app.cli.ExitCodes;
import dev.destill.app.output.Format;
import dev.destill.app.wiring.Services;
import dev.destill.core.DestillException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;

/**
 * Builds the configured command line: subcommands, exit codes, and the handlers that turn every
 * failure into one line on stderr (a stack trace only with {@code --verbose}).
 */
public final class Cli {
  private Cli() {}

  /** A fresh command line with the process environment. */
  public static CommandLine commandLine() {
    return commandLine(System.getenv());
  }

  /** A fresh command line reading tokens and settings from {@code env}; tests pass their own. */
  public static CommandLine commandLine(Map<String, String> env) {
    return commandLine(Services.forProcess(env));
  }

  /** A fresh command line whose commands get {@code services}, the composition root's. */
  public static CommandLine commandLine(Services services) {
    return commandLine(services, Main.COMMANDS);
  }

  /** The same with only {@code commands} as subcommands ({@link Main#commandsFor}). */
  static CommandLine commandLine(Services services, java.util.List<Class<?>> commands) {
    CommandLine cl = new CommandLine(new Main(), new CommandFactory(services));
    for (Class<?> c : commands) {
      cl.addSubcommand(c);
    }
    cl.setExitCodeExceptionMapper(Cli::exitCodeOf);
    cl.setExecutionExceptionHandler(Cli::handleExecutionException);
    cl.setParameterExceptionHandler(Cli::handleParameterException);
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    CommandLine serve = cl.getSubcommands().get("serve");
    if (serve != null) {
      serve.getCommandSpec().usageMessage().footer(dev.destill.app.serve.ServeCommand.footer());
    }
    cl.registerConverter(Format.class, Cli::format);
    return cl;
  }

  /** A format as users type it; a wrong one lists them in lower case, as help does. */
  static Format format(String value) {
    for (Format f : Format.values()) {
      if (f.toString().equals(value.strip().toLowerCase(Locale.ROOT))) {
        return f;
      }
    }
    throw new CommandLine.TypeConversionException(
        "'"
            + value
            + "' is not a format: use "
            + String.join(", ", Arrays.stream(Format.values()).map(Format::toString).toList()));
  }

  static int exitCodeOf(Throwable t) {
    if (t instanceof CommandLine.ParameterException) {
      return ExitCodes.USAGE;
    }
    if (t instanceof DestillException || t instanceof UncheckedIOException) {
      return ExitCodes.INPUT;
    }
    return ExitCodes.SOFTWARE;
  }

  private static int handleParameterException(CommandLine.ParameterException e, String[] args) {
    CommandLine cmd = e.getCommandLine();
    PrintWriter err = cmd.getErr();
    String message = e.getMessage();
    String suggestion = "";
    if (e instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
      String first = u.getUnmatched().get(0);
      if (!cmd.getSubcommands().isEmpty() && !first.startsWith("-")) {
        message = "unknown command '" + first + "'";
      }
      // picocli orders its suggestions by likeness: the first is the one meant.
      suggestion =
          u.getSuggestions().isEmpty() ? "" : ". Did you mean '" + u.getSuggestions().get(0) + "'?";
    }
    err.println("destill: " + message + suggestion);
    err.println("Run '" + cmd.getCommandSpec().qualifiedName() + " --help' for usage.");
    err.flush();
    return ExitCodes.USAGE;
  }

  private static int handleExecutionException(
      Exception e, CommandLine cmd, CommandLine.ParseResult parseResult) {
    PrintWriter err = cmd.getErr();
    boolean verbose = isVerbose(parseResult);
    err.println("destill: " + oneLine(e));
    if (verbose) {
      e.printStackTrace(err);
    } else if (!(e instanceof DestillException)) {
      err.println("(run again with --verbose for details)");
    }
    err.flush();
    return exitCodeOf(e);
  }

  /** The first line of the most telling message of {@code e}, never empty. */
  static String oneLine(Throwable e) {
    String message = e.getMessage();
    if (!(e instanceof DestillException) && e.getCause() != null && e.getCause() != e) {
      String inner = e.getCause().getMessage();
      if (inner != null && !inner.isBlank()) {
        message = (message == null ? "" : message + ": ") + inner;
      }
    }
    if (message == null || message.isBlank()) {
      message = dev.destill.core.ErrorPolicy.describe(e); // no Java class name for a user
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }

  private static boolean isVerbose(CommandLine.ParseResult parseResult) {
    for (CommandLine.ParseResult pr = parseResult; pr != null; pr = pr.subcommand()) {
      if (pr.hasMatchedOption("--verbose")) {
        return true;
      }
    }
    return false;
  }
}
