package dev.destill.app.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.destill.app.Cli;
import dev.destill.app.cli.ExitCodes;
import dev.destill.core.engine.Rules;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class RulesCommandTest {
  @TempDir Path dir;

  private record Run(int code, String out) {}

  private Run run(String... args) {
    CommandLine cl = Cli.commandLine(Map.of());
    StringWriter out = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(new StringWriter()));
    return new Run(cl.execute(args), out.toString());
  }

  private static Path sample() {
    Path p = Path.of("../examples/rules.yaml");
    return Files.exists(p) ? p : Path.of("examples/rules.yaml");
  }

  @Test
  void theSampleRuleFilePasses() throws IOException {
    Path passing = dir.resolve("green.log");
    Files.writeString(passing, "Pulling from library/alpine\nall 12 tests passed\n");
    Run r = run("rules", "test", sample().toString(), "--passing", passing.toString());
    assertThat(r.out()).contains("ok  ").contains("2 rules, 2 examples, 1 passing logs");
    assertThat(r.code()).isEqualTo(ExitCodes.OK);
  }

  @Test
  void aRuleThatMissesItsExampleOrFiresOnAPassingLogFails() throws IOException {
    Path rules = dir.resolve("rules.yaml");
    Files.writeString(
        rules,
        """
        rules:
          - name: flaky-dns
            explanation: The runner's DNS is flaky; rerun.
            hints: [temporary failure in name resolution]
            pattern: 'Temporary failure in name resolution'
            examples:
              - line: 'curl: (6) Could not resolve host: example.com'
        """);
    Path passing = dir.resolve("green.log");
    Files.writeString(passing, "retrying: Temporary failure in name resolution\nok\n");
    Run r = run("rules", "test", rules.toString(), "--passing", passing.toString());
    assertThat(r.code()).isEqualTo(ExitCodes.CHECK_FAILED);
    assertThat(r.out())
        .contains("FAIL")
        .contains("flaky-dns: does not match the example")
        .contains("flaky-dns: fires on the passing log");
  }

  @Test
  void userRulesComeFirstAndExplainTheirFindings() throws IOException {
    Files.createDirectories(dir.resolve(".destill"));
    Files.copy(sample(), dir.resolve(".destill/rules.yaml"));
    List<Path> files = UserRules.files(dir.resolve("no-config"), dir);
    assertThat(files).containsExactly(dir.resolve(".destill/rules.yaml"));
    Rules rules = UserRules.rules(files);
    var m = rules.match("ERROR: write /tmp/x: no space left on device", false).orElseThrow();
    assertThat(m.signals().get(0)).isEqualTo("known-cause:disk-full");
    assertThat(m.signals()).anyMatch(s -> s.startsWith("explanation: The runner ran out of disk"));
    // The built-in rules are unchanged for everyone else.
    assertThat(
            Rules.classify("ERROR: write /tmp/x: no space left on device", false)
                .orElseThrow()
                .signals()
                .get(0))
        .doesNotStartWith("known-cause");
  }
}
