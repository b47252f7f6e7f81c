package dev.destill.core.provider;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TargetsTest {
  @Test
  void shouldMaskCredentialsInTheAuthority() {
    assertThat(Targets.redact("https://bob:hunter2@gitlab.example/g/p/-/pipelines/1"))
        .isEqualTo("https://***@gitlab.example/g/p/-/pipelines/1");
    assertThat(Targets.redact("https://glpat-abc@gitlab.example/g/p/-/jobs/2"))
        .isEqualTo("https://***@gitlab.example/g/p/-/jobs/2");
  }

  @Test
  void shouldMaskQueryValuesButKeepTheirNames() {
    assertThat(Targets.redact("https://github.com/a/b/actions/runs/1?token=ghp_secret&x=1#frag"))
        .isEqualTo("https://github.com/a/b/actions/runs/1?token=***&x=***#frag");
  }

  @Test
  void shouldLeavePathsAndPlainUrlsAlone() {
    assertThat(Targets.redact("logs/build?.log")).isEqualTo("logs/build?.log");
    assertThat(Targets.redact("user@host.log")).isEqualTo("user@host.log");
    assertThat(Targets.redact("https://buildkite.com/o/p/builds/3#0190-ab"))
        .isEqualTo("https://buildkite.com/o/p/builds/3#0190-ab");
  }
}
