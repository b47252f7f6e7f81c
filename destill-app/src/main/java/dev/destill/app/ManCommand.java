package dev.destill.app;

import dev.destill.app.cli.ExitCodes;
import dev.destill.app.cli.VersionInfo;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.Spec;

/**
 * {@code destill man}: prints the manual page in roff, made from the same command model as {@code
 * --help}, so the two never disagree and the jar needs no generated file beside it.
 */
@Command(
    name = "man",
    mixinStandardHelpOptions = true,
    versionProvider = VersionInfo.class,
    description = {"Prints the destill(1) manual page (roff), for man to show or install."},
    footer = {
      "",
      "Examples:",
      "  destill man | man -l -",
      "  mkdir -p ~/.local/share/man/man1 && destill man > ~/.local/share/man/man1/destill.1"
    })
public final class ManCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    out.print(page(spec.root().commandLine(), VersionInfo.version()));
    out.flush();
    return ExitCodes.OK;
  }

  /** The whole page: name, synopsis, description, options, then one section per command. */
  static String page(CommandLine root, String version) {
    List<String> l = new ArrayList<>();
    CommandSpec spec = root.getCommandSpec();
    l.add(".TH DESTILL 1 \"\" \"destill " + escape(version) + "\" \"User Commands\"");
    l.add(".SH NAME");
    l.add("destill \\- " + escape(String.join(" ", spec.usageMessage().description())));
    l.add(".SH SYNOPSIS");
    l.add(".B destill");
    l.add("[\\fIOPTIONS\\fR] \\fICOMMAND\\fR [\\fIARGS\\fR]");
    l.add(".SH COMMANDS");
    for (Map.Entry<String, CommandLine> e : root.getSubcommands().entrySet()) {
      l.add(".TP");
      l.add(".B " + escape(e.getKey()));
      l.add(escape(String.join(" ", e.getValue().getCommandSpec().usageMessage().description())));
    }
    l.add(".SH OPTIONS");
    options(spec, l);
    for (Map.Entry<String, CommandLine> e : root.getSubcommands().entrySet()) {
      CommandSpec sub = e.getValue().getCommandSpec();
      l.add(".SH \"DESTILL " + escape(e.getKey().toUpperCase(Locale.ROOT)) + "\"");
      l.add(".nf");
      l.add(escape(synopsis(e.getValue())));
      l.add(".fi");
      paragraphs(sub.usageMessage().description(), l);
      for (PositionalParamSpec p : sub.positionalParameters()) {
        l.add(".TP");
        l.add("\\fI" + escape(p.paramLabel()) + "\\fR");
        l.add(escape(String.join(" ", p.renderedDescription())));
      }
      options(sub, l);
      if (sub.usageMessage().footer().length > 0) {
        l.add(".PP");
        l.add(".nf");
        for (String line : sub.usageMessage().footer()) {
          l.add(escape(line));
        }
        l.add(".fi");
      }
    }
    l.add(".SH EXIT STATUS");
    l.add(
        "0 the command ran (an analysis that finds errors still exits 0), 1 internal error, 2 usage"
            + " error, 3 input error, 4 \\-\\-fail\\-on threshold reached, 130 interrupted"
            + " (Ctrl\\-C).");
    l.add(".SH SEE ALSO");
    l.add("destill \\-\\-help, destill completion \\-\\-help");
    return String.join("\n", l) + "\n";
  }

  private static String synopsis(CommandLine cmd) {
    CommandLine.Help help =
        new CommandLine.Help(
            cmd.getCommandSpec(), CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF));
    return help.synopsis(0).stripTrailing();
  }

  private static void paragraphs(String[] text, List<String> l) {
    l.add(".PP");
    for (String line : text) {
      l.add(line.isBlank() ? ".PP" : escape(line));
    }
  }

  private static void options(CommandSpec spec, List<String> l) {
    for (OptionSpec o : spec.options()) {
      l.add(".TP");
      StringBuilder names = new StringBuilder();
      for (String n : o.names()) {
        names.append(names.isEmpty() ? "" : ", ").append("\\fB").append(escape(n)).append("\\fR");
      }
      if (o.arity().max() > 0) {
        names.append(" \\fI").append(escape(o.paramLabel())).append("\\fR");
      }
      l.add(names.toString());
      l.add(escape(String.join(" ", o.renderedDescription())));
    }
  }

  /** Text as roff shows it literally: backslashes and dashes escaped, no leading control dot. */
  static String escape(String s) {
    String e = s.replace("\\", "\\e").replace("-", "\\-");
    return e.startsWith(".") || e.startsWith("'") ? "\\&" + e : e;
  }
}
