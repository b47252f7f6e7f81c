package dev.destill.app.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.destill.app.CliRunner;
import dev.destill.app.cli.ExitCodes;
import dev.destill.app.config.Setting;
import dev.destill.app.config.Settings;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServeCommandTest {
  @Test
  void shouldListEverySettingInItsHelp() {
    CliRunner.Result r = CliRunner.run("serve", "--help");

    assertThat(r.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(r.out())
        .contains(
            "--host",
            "--port",
            "--auth-reads",
            "--watch",
            "DESTILL_KAFKA_BROKERS",
            "DESTILL_LLM_MODEL");
    for (Setting<?> s : Settings.SERVER) {
      assertThat(r.out()).contains(s.variable());
    }
  }

  @Test
  void shouldRefuseABadSettingInOneLineNamingIt() {
    CliRunner.Result r =
        CliRunner.runWithEnv(Map.of("DESTILL_SERVER_MAX_QUEUED", "-1"), "serve", "--port", "0");

    assertThat(r.exitCode()).isEqualTo(ExitCodes.INPUT);
    assertThat(r.err().strip())
        .startsWith("destill: DESTILL_SERVER_MAX_QUEUED")
        .doesNotContain("\n");
  }

  @Test
  void shouldRefuseAWatchPatternInAFolderInOneLine() {
    CliRunner.Result r = CliRunner.run("serve", "--port", "0", "--watch", "/var/log/*/app.log");

    assertThat(r.exitCode()).isEqualTo(ExitCodes.INPUT);
    assertThat(r.err().strip())
        .isEqualTo(
            "destill: '/var/log/*/app.log': only the file name may be a pattern, not a folder");
  }

  @Test
  void shouldRefuseKafkaWithoutPostgres() {
    CliRunner.Result r =
        CliRunner.runWithEnv(
            Map.of("DESTILL_KAFKA_BROKERS", "127.0.0.1:1"), "serve", "--port", "0");

    assertThat(r.exitCode()).isEqualTo(ExitCodes.INPUT);
    assertThat(r.err()).contains("DESTILL_POSTGRES_URL");
  }
}
