package dev.destill.app.distributed;

import static org.assertj.core.api.Assertions.assertThat;

import dev.destill.app.CliRunner;
import dev.destill.app.cli.ExitCodes;
import org.junit.jupiter.api.Test;

class StatusCommandTest {
  @Test
  void shouldSayPostgresIsNotConfiguredInsteadOfReadingTheLocalHistory() {
    CliRunner.Result r = CliRunner.run("status", "req-x");

    assertThat(r.exitCode()).isEqualTo(ExitCodes.INPUT);
    assertThat(r.err())
        .startsWith("destill: PostgreSQL is not configured: set DESTILL_POSTGRES_URL")
        .doesNotContain("sink agent running");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void shouldRefuseAFormatItCannotPrint() {
    CliRunner.Result r = CliRunner.run("status", "req-x", "--format", "markdown");

    assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).contains("status --format takes text, json, jsonl, not markdown");
  }
}
