package dev.destill.app.distributed;

import static org.assertj.core.api.Assertions.assertThat;

import dev.destill.app.CliRunner;
import dev.destill.app.cli.ExitCodes;
import org.junit.jupiter.api.Test;

/** {@code destill submit}'s baseline options, checked before anything connects. */
class SubmitCommandTest {
  static final String URL = "https://buildkite.com/acme/shop/builds/42";

  @Test
  void shouldRefuseBothABaselineAndNone() {
    CliRunner.Result r = CliRunner.run("submit", "--baseline", "auto", "--no-baseline", URL);

    assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).contains("--baseline and --no-baseline exclude each other");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void shouldSayABaselineFileIsNotThereBeforeConnecting() {
    CliRunner.Result r = CliRunner.run("submit", "--baseline", "/no/such/pass.log", URL);

    assertThat(r.exitCode()).isEqualTo(ExitCodes.INPUT);
    assertThat(r.err().strip())
        .isEqualTo("destill: --baseline /no/such/pass.log: no such file or directory");
  }

  @Test
  void shouldDescribeTheBaselineOptionsInItsHelp() {
    CliRunner.Result r = CliRunner.run("submit", "--help");

    assertThat(r.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(r.out()).contains("--baseline=BASELINE").contains("--no-baseline").contains("auto");
  }
}
