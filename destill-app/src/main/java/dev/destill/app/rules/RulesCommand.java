package dev.destill.app.rules;

import dev.destill.app.cli.ExitCodes;
import dev.destill.app.cli.VersionInfo;
import dev.destill.app.local.LocalFilesProvider;
import dev.destill.core.DestillException;
import dev.destill.core.engine.Catalogue;
import dev.destill.core.engine.CatalogueCheck;
import dev.destill.core.engine.JobScan;
import dev.destill.core.engine.LogScanner;
import dev.destill.core.engine.Rules;
import dev.destill.core.engine.ScanOptions;
import dev.destill.core.model.Finding;
import dev.destill.core.model.JobInfo;
import dev.destill.core.model.JobState;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code destill rules}: a team's known causes. */
@Command(
    name = "rules",
    mixinStandardHelpOptions = true,
    versionProvider = VersionInfo.class,
    description = {
      "Known causes: rules a team adds in .destill/rules.yaml (in the repository) or in "
          + "$XDG_CONFIG_HOME/destill/rules.yaml, in the format of docs/rules.md."
    },
    subcommands = {RulesCommand.Test.class})
public final class RulesCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code destill rules test}: checks rule files against their examples and passing logs. */
  @Command(
      name = "test",
      mixinStandardHelpOptions = true,
      versionProvider = VersionInfo.class,
      description = {
        "Checks rule files: every rule's examples get through the prefilter and are matched by "
            + "it with the kind and tier they state, no non-example is matched, and no rule "
            + "fires on the given passing logs (a known cause that matches green builds is "
            + "noise). Exits 5 when a check fails."
      })
  public static final class Test implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "Rule files (YAML).")
    List<Path> files;

    @Option(
        names = "--passing",
        paramLabel = "LOG",
        description = "A log of a passing build (plain or gzipped) on which no rule may fire.")
    List<Path> passing = new ArrayList<>();

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      int problems = 0;
      for (Path file : files) {
        Catalogue user = UserRules.read(file);
        Rules rules = Rules.standard().withUserRules(user);
        List<String> found = new ArrayList<>(CatalogueCheck.problems(rules, user));
        for (Path log : passing) {
          for (Finding f : scan(rules, log).findings()) {
            for (String s : f.signals()) {
              if (s.startsWith("known-cause:")) {
                found.add(
                    s.substring(12)
                        + ": fires on the passing log "
                        + log
                        + " at line "
                        + f.line()
                        + ": `"
                        + f.message()
                        + "`");
              }
            }
          }
        }
        int examples = user.rules().stream().mapToInt(r -> r.examples().size()).sum();
        if (found.isEmpty()) {
          out.printf(
              "ok  %s: %d rules, %d examples, %d passing logs%n",
              file, user.rules().size(), examples, passing.size());
        } else {
          out.printf("FAIL %s%n", file);
          found.forEach(p -> out.println("  " + p));
          problems += found.size();
        }
      }
      out.flush();
      return problems == 0 ? ExitCodes.OK : ExitCodes.CHECK_FAILED;
    }

    private static JobScan scan(Rules rules, Path log) {
      LogScanner scanner =
          new LogScanner(
              JobInfo.of("passing", JobState.PASSED),
              ScanOptions.defaults(),
              new LogScanner.LineCache(),
              rules);
      byte[] buf = new byte[1 << 16];
      try (InputStream in = LocalFilesProvider.openFile(log)) {
        int n;
        while ((n = in.read(buf)) > 0) {
          scanner.accept(buf, 0, n);
        }
      } catch (IOException e) {
        throw new DestillException.BadInput("cannot read " + log + ": " + e.getMessage(), e);
      }
      return scanner.finish();
    }
  }
}
