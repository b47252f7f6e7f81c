package dev.destill.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.destill.app.cli.ExitCodes;
import dev.destill.app.output.Format;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a shell user expects of a command line: completion, a man page, helpful mistakes. */
class CliConventionsTest {
  @TempDir Path tmp;

  static boolean installed(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return false;
  }

  /** Runs {@code command} in a shell and returns what it printed. */
  static String shell(Path dir, String... command) throws Exception {
    Process p =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }

  /** The formats as help and completion list them: lower case, in order. */
  static String formats(String separator) {
    return String.join(
        separator, java.util.Arrays.stream(Format.values()).map(Format::toString).toList());
  }

  @Test
  void shouldBuildOnlyTheCommandItRunsAndDescribeItAsTheWholeTreeDoes() {
    dev.destill.app.wiring.Services services =
        dev.destill.app.wiring.Services.forProcess(java.util.Map.of());
    picocli.CommandLine all = Cli.commandLine(services);
    assertThat(all.getSubcommands()).hasSize(Main.COMMANDS.size());
    for (java.util.Map.Entry<String, picocli.CommandLine> e : all.getSubcommands().entrySet()) {
      String name = e.getKey();
      java.util.List<Class<?>> needed = Main.commandsFor(name, "--help");
      if (java.util.Set.of("help", "completion", "man").contains(name)) {
        assertThat(needed).as(name).isEqualTo(Main.COMMANDS);
        continue;
      }
      assertThat(needed).as(name).hasSize(1);
      picocli.CommandLine one = Cli.commandLine(services, needed).getSubcommands().get(name);
      assertThat(one).as(name).isNotNull();
      assertThat(one.getUsageMessage(picocli.CommandLine.Help.Ansi.OFF))
          .isEqualTo(e.getValue().getUsageMessage(picocli.CommandLine.Help.Ansi.OFF));
    }
    // No word, an option or a mistyped name: every command, for help and suggestions.
    assertThat(Main.commandsFor()).isEqualTo(Main.COMMANDS);
    assertThat(Main.commandsFor("--help")).isEqualTo(Main.COMMANDS);
    assertThat(Main.commandsFor("--version")).isEmpty();
    assertThat(Cli.commandLine(services, Main.commandsFor("-V")).execute("-V")).isZero();
    assertThat(Main.commandsFor("analyse", "build.log")).isEqualTo(Main.COMMANDS);
  }

  @Test
  void shouldCompleteCommandsAndOptionValuesInBash() throws Exception {
    CliRunner.Result r = CliRunner.run("completion", "bash");
    assertThat(r.exitCode()).isZero();
    Path script = tmp.resolve("destill.bash");
    Files.writeString(script, r.out());
    String probe =
        "source ./destill.bash; "
            + "COMP_WORDS=(destill ana); COMP_CWORD=1; COMP_LINE='destill ana'; COMP_POINT=11;"
            + " _complete_destill; echo \"1:${COMPREPLY[*]}\"; "
            + "COMP_WORDS=(destill analyze --format ''); COMP_CWORD=3;"
            + " COMP_LINE='destill analyze --format '; COMP_POINT=25;"
            + " _complete_destill; echo \"2:${COMPREPLY[*]}\"";
    String out = shell(tmp, "bash", "-c", probe);
    assertThat(out).contains("1:analyze").contains("2:" + formats(" "));
  }

  @Test
  void shouldGiveZshTheScriptThatSetsUpBashCompletionThere() {
    String zsh = CliRunner.run("completion", "zsh").out();
    assertThat(zsh).contains("bashcompinit").contains("_complete_destill");
  }

  @Test
  void shouldWriteAFishScriptWithCommandsOptionsAndValues() {
    CliRunner.Result r = CliRunner.run("completion", "fish");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out().lines())
        .contains("complete -c destill -f")
        .anyMatch(l -> l.startsWith("complete -c destill -n __fish_use_subcommand -a analyze -d '"))
        .contains(
            "complete -c destill -n '__fish_seen_subcommand_from analyze' -l format -xa"
                + " '"
                + formats(" ")
                + "' -d 'Output format'")
        .contains("complete -c destill -n '__fish_seen_subcommand_from analyze' -F");
    if (installed("fish")) {
      Path script = tmp.resolve("destill.fish");
      try {
        Files.writeString(script, r.out());
        shell(tmp, "fish", "--no-execute", script.toString());
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    }
  }

  @Test
  void shouldRefuseAShellItHasNoScriptFor() {
    CliRunner.Result r = CliRunner.run("completion", "tcsh");
    assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).contains("completion takes bash, zsh or fish, was 'tcsh'");
  }

  @Test
  void shouldPrintAManPageThatManRenders() throws Exception {
    CliRunner.Result r = CliRunner.run("man");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out())
        .startsWith(".TH DESTILL 1")
        .contains(".SH NAME")
        .contains(".SH \"DESTILL ANALYZE\"")
        .contains(".SH \"DESTILL COMPLETION\"")
        .contains("130 interrupted");
    assumeTrue(installed("nroff"), "nroff is not installed");
    Path page = tmp.resolve("destill.1");
    Files.writeString(page, r.out());
    // nroff makes bold by overstriking: a character, a backspace, the character again.
    String shown = shell(tmp, "nroff", "-man", page.toString()).replaceAll(".\b", "");
    assertThat(shown.replaceAll("[ \t]+", " "))
        .contains("destill - Finds why")
        .contains("--job-state STATE");
    assertThat(shown.lines()).noneMatch(l -> l.startsWith("."));
  }

  @Test
  void shouldSuggestTheCommandMeantByATypo() {
    CliRunner.Result r = CliRunner.run("analyse", "build.log");
    assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).startsWith("destill: unknown command 'analyse'. Did you mean 'analyze'?");
  }

  @Test
  void shouldListOnlyTheJobStatesItTakes() {
    CliRunner.Result r = CliRunner.run("analyze", "--job-state", "bogus", "x.log");
    assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err())
        .contains("--job-state takes failed, passed or unknown, was 'bogus'")
        .doesNotContain("running")
        .doesNotContain("canceled");
    assertThat(CliRunner.run("analyze", "--job-state", "running", "x.log").err())
        .contains("--job-state takes failed, passed or unknown, was 'running'");
  }

  @Test
  void shouldWriteHelpAsUsersTypeItAndDocumentEveryExitCode() {
    assertThat(formats(", ")).as("as typed").startsWith("text, json");
    String analyze = CliRunner.run("analyze", "--help").out().replaceAll("\\s+", " ");
    assertThat(analyze)
        .contains(formats(", "))
        .contains("(default: text)")
        .doesNotContain("JSONL")
        .contains("130 interrupted (Ctrl-C)");
    assertThat(CliRunner.run("view", "--help").out().replaceAll("\\s+", " "))
        .contains(formats(", ") + " (default: text)");
    assertThat(CliRunner.run("analyze", "--format", "xml", "x.log").err())
        .contains("'xml' is not a format: use " + formats(", "));
    assertThat(CliRunner.run("analyze", "--format", "JSON", "missing.log").exitCode())
        .as("any case parses; the missing file is the error")
        .isEqualTo(ExitCodes.INPUT);
    String mcp = CliRunner.run("mcp", "--help").out();
    assertThat(mcp.replaceAll("\\s+", " ")).doesNotContain("null").contains("default 4000");
  }
}
