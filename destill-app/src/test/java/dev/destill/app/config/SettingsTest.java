package dev.destill.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.destill.core.DestillException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsTest {
  @Test
  void shouldReadTheVariableThenItsAliasTrimmedAndTakeBlankAsUnset() {
    Settings s =
        Settings.of(Map.of("DESTILL_POSTGRES_URL", "  ", "POSTGRES_DSN", " postgres://h/db "));

    assertThat(s.find(Settings.POSTGRES)).contains("postgres://h/db");
    assertThat(s.raw(Settings.POSTGRES).source()).isEqualTo(new Source.Environment("POSTGRES_DSN"));
  }

  @Test
  void shouldPreferTheFlagToTheEnvironmentAndTheEnvironmentToTheDefault() {
    Settings env = Settings.of(Map.of("DESTILL_METRICS_PORT", "9000"));

    assertThat(Settings.of(Map.of()).get(Settings.METRICS_PORT)).isEqualTo(8080);
    assertThat(Settings.of(Map.of()).raw(Settings.METRICS_PORT).source())
        .isInstanceOf(Source.Default.class);
    assertThat(env.get(Settings.METRICS_PORT)).isEqualTo(9000);
    assertThat(env.withFlag(Settings.METRICS_PORT, 0).get(Settings.METRICS_PORT)).isZero();
    assertThat(env.withFlag(Settings.METRICS_PORT, null).get(Settings.METRICS_PORT))
        .isEqualTo(9000);
  }

  @Test
  void shouldNameTheSettingAndWhereItsValueCameFromWhenItIsInvalid() {
    Settings env = Settings.of(Map.of("DESTILL_KAFKA_PARTITIONS", "many"));

    assertThatThrownBy(() -> env.get(Settings.PARTITIONS))
        .isInstanceOf(DestillException.BadInput.class)
        .hasMessage(
            "DESTILL_KAFKA_PARTITIONS must be a number from 1 to 1000, was 'many'"
                + " (from DESTILL_KAFKA_PARTITIONS in the environment)");
    assertThatThrownBy(
            () ->
                Settings.of(Map.of())
                    .withFlag(Settings.METRICS_PORT, 70000)
                    .get(Settings.METRICS_PORT))
        .hasMessage(
            "DESTILL_METRICS_PORT must be a number from 0 to 65535, was '70000'"
                + " (from the option --metrics-port)");
  }

  @Test
  void shouldAskForARequiredSettingByAllItsNames() {
    assertThatThrownBy(() -> Settings.of(Map.of()).kafkaBrokers())
        .isInstanceOf(DestillException.BadInput.class)
        .hasMessageStartingWith("set DESTILL_KAFKA_BROKERS (or REDPANDA_BROKERS) to the Kafka");
  }

  @Test
  void shouldPutTheHistoryUnderDestillHomeElseXdgDataHomeElseHome() {
    assertThat(Settings.of(Map.of("DESTILL_HOME", "/d", "XDG_DATA_HOME", "/x")).dataDir())
        .isEqualTo(Path.of("/d"));
    assertThat(Settings.of(Map.of("XDG_DATA_HOME", "/x", "HOME", "/h")).dataDir())
        .isEqualTo(Path.of("/x/destill"));
    assertThat(Settings.of(Map.of("HOME", "/h")).dataDir())
        .isEqualTo(Path.of("/h/.local/share/destill"));
    assertThat(Settings.of(Map.of("HOME", "/h")).raw(Settings.HOME).source().describe())
        .isEqualTo("default, from HOME");
  }

  @Test
  void shouldNeverShowASecretNorADatabasePassword() {
    Settings s =
        Settings.of(
            Map.of(
                "GITHUB_TOKEN", "ghp_supersecret",
                "DESTILL_POSTGRES_URL", "postgres://me:hunter2@db:5432/destill"));

    assertThat(s.shown(Settings.GITHUB_TOKEN))
        .doesNotContain("supersecret")
        .isEqualTo("set (15 characters, masked)");
    assertThat(s.shown(Settings.POSTGRES)).isEqualTo("postgres://me:***@db:5432/destill");
    assertThat(Masking.url("jdbc:postgresql://db/x?user=me&password=hunter2&ssl=true"))
        .isEqualTo("jdbc:postgresql://db/x?user=me&password=***&ssl=true");
  }

  @Test
  void shouldHandTheProvidersOnlyTheirOwnVariables() {
    Settings s =
        Settings.of(
            Map.of("GITLAB_TOKEN", "t", "GITHUB_API_URL", "http://127.0.0.1:1", "PATH", "/bin"));

    assertThat(s.providerEnv())
        .isEqualTo(Map.of("GITLAB_TOKEN", "t", "GITHUB_API_URL", "http://127.0.0.1:1"));
  }
}
