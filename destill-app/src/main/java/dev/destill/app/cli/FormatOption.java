package dev.destill.app.cli;

import dev.destill.app.output.Format;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code --format}, the same on every command that prints data. */
public final class FormatOption {
  @Spec(Spec.Target.MIXEE)
  CommandSpec mixee;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      description =
          "Output format: ${COMPLETION-CANDIDATES} (default: text); the command's description says"
              + " which it prints.")
  Format format = Format.TEXT;

  /** Whether {@code --format} was given (a command may then skip its interactive UI). */
  public boolean given() {
    return mixee.commandLine().getParseResult().hasMatchedOption("--format");
  }

  /** The format, one of {@code allowed}, or a usage error that lists them. */
  public Format require(Format... allowed) {
    List<Format> ok = Arrays.asList(allowed);
    if (!ok.contains(format)) {
      throw new ParameterException(
          mixee.commandLine(),
          mixee.name()
              + " --format takes "
              + String.join(", ", ok.stream().map(f -> f.name().toLowerCase(Locale.ROOT)).toList())
              + ", not "
              + format.name().toLowerCase(Locale.ROOT));
    }
    return format;
  }

  /** Sets the format, for a deprecated option that stands for one. */
  public void set(Format f) {
    format = f;
  }
}
