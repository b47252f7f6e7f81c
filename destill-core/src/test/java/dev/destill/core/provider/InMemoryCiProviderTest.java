package dev.destill.core.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.destill.core.DestillException;
import dev.destill.core.model.JobInfo;
import dev.destill.core.model.JobState;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class InMemoryCiProviderTest extends CiProviderContractTest {
  private final InMemoryCiProvider provider = new InMemoryCiProvider();

  @Override
  protected Staged stage() {
    provider.add(
        "memory:acme/42",
        "acme #42",
        List.of(
            InMemoryCiProvider.Job.withLog(
                    new JobInfo("1", "build", JobState.FAILED, OptionalInt.of(1)),
                    FAILED_LOG.getBytes(StandardCharsets.UTF_8))
                .withReports(
                    new TestReports(
                        List.of(
                            new TestReport(
                                "TEST-CartTest.xml", JUNIT.getBytes(StandardCharsets.UTF_8))),
                        List.of())),
            InMemoryCiProvider.Job.withLog(
                new JobInfo("2", "lint", JobState.PASSED, OptionalInt.of(0)),
                PASSED_LOG.getBytes(StandardCharsets.UTF_8)),
            InMemoryCiProvider.Job.withoutLog(
                new JobInfo("3", "approve", JobState.UNKNOWN, OptionalInt.empty()))));
    return new Staged(
        provider,
        "memory:acme/42",
        "build",
        Optional.of("lint"),
        Optional.of("approve"),
        "memory:acme/43",
        "https://github.com/acme/shop/actions/runs/1");
  }

  @Test
  void shouldThrowTheFailureItWasToldToAndRecordWhatWasOpened() throws Exception {
    Staged s = stage();
    Build build = provider.fetchBuild(s.target(), e -> {});
    try (InputStream in = provider.openLog(build, build.jobs().get(1))) {
      in.readAllBytes();
    }
    assertThat(provider.opened()).containsExactly("2");

    provider.breakLog("1", new IOException("connection reset"));
    try (InputStream in = provider.openLog(build, build.jobs().get(0))) {
      byte[] buf = new byte[FAILED_LOG.length()];
      assertThat(in.readNBytes(buf, 0, buf.length)).isEqualTo(FAILED_LOG.length());
      assertThatThrownBy(in::read).isInstanceOf(IOException.class).hasMessage("connection reset");
    }

    provider.failOn(s.target(), new DestillException.Retriable("API down"));
    assertThatThrownBy(() -> provider.fetchBuild(s.target(), e -> {}))
        .isInstanceOf(DestillException.Retriable.class);
    assertThatThrownBy(() -> provider.testReports(build, build.jobs().get(0)))
        .hasMessage("API down");
  }
}
