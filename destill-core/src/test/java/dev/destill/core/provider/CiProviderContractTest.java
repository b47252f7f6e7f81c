package dev.destill.core.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.destill.core.DestillException;
import dev.destill.core.model.JobState;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What every {@link CiProvider} does, whatever it reads builds from: each implementation's test
 * stages the same build in its own backend (a fake API server, files, memory) and this test checks
 * the provider serves it. The build has a failed job with a log, a passed job with a log, a JUnit
 * report on (or beside) the failed job and, where the backend has them, a job without a log; where
 * the backend pages its job lists, the jobs span more than one page.
 */
public abstract class CiProviderContractTest {
  /** The failed job's log. */
  protected static final String FAILED_LOG =
      "Compiling...\nsrc/Cart.java:12: error: cannot find symbol\nBUILD FAILED\n";

  /** The passed job's log. */
  protected static final String PASSED_LOG = "lint: 0 problems\n";

  /** The JUnit report. */
  protected static final String JUNIT =
      """
      <?xml version="1.0" encoding="UTF-8"?>
      <testsuite name="CartTest" tests="1" failures="1">
        <testcase classname="com.acme.CartTest" name="addsItems">
          <failure message="expected 2 but was 1">java.lang.AssertionError</failure>
        </testcase>
      </testsuite>
      """;

  /**
   * The staged build, as this backend names it.
   *
   * @param provider the provider under test, reading the staged backend
   * @param target the build's URL or path
   * @param failedJob the failed job's name
   * @param passedJob the passed job's name, where the backend knows job states (local files take
   *     theirs from the command line)
   * @param jobWithoutLog the name of the job without a log, where the backend has such jobs
   * @param missing a target of this provider that names no build
   * @param foreign a target the provider must not accept
   */
  public record Staged(
      CiProvider provider,
      String target,
      String failedJob,
      Optional<String> passedJob,
      Optional<String> jobWithoutLog,
      String missing,
      String foreign) {}

  /** Stages the build described above in this implementation's backend. */
  protected abstract Staged stage() throws Exception;

  @Test
  void shouldAcceptItsTargetsAndNoOthers() throws Exception {
    Staged s = stage();

    assertThat(s.provider().accepts(s.target())).isTrue();
    assertThat(s.provider().accepts(s.missing())).isTrue();
    assertThat(s.provider().accepts(s.foreign())).isFalse();
    assertThat(s.provider().id().name()).isEqualTo(s.provider().name());
  }

  @Test
  void shouldResolveEveryJobWithItsStateAcrossPages() throws Exception {
    Staged s = stage();
    Build build = s.provider().fetchBuild(s.target(), e -> {});

    assertThat(build.provider()).isEqualTo(s.provider().name());
    assertThat(build.state()).isEqualTo(JobState.FAILED);
    Map<String, BuildJob> byName = new HashMap<>();
    build.jobs().forEach(j -> byName.put(j.info().name(), j));
    assertThat(byName).containsKey(s.failedJob());
    assertThat(byName.get(s.failedJob()).info().state()).isEqualTo(JobState.FAILED);
    assertThat(byName.get(s.failedJob()).hasLog()).isTrue();
    if (s.passedJob().isPresent()) {
      assertThat(byName).containsKey(s.passedJob().get());
      assertThat(byName.get(s.passedJob().get()).info().state()).isEqualTo(JobState.PASSED);
      assertThat(byName.get(s.passedJob().get()).hasLog()).isTrue();
    }
    if (s.jobWithoutLog().isPresent()) {
      assertThat(byName).containsKey(s.jobWithoutLog().get());
      assertThat(byName.get(s.jobWithoutLog().get()).hasLog()).isFalse();
    }
    assertThat(build.jobs().stream().map(j -> j.info().id()).distinct())
        .hasSize(build.jobs().size());
  }

  @Test
  void shouldStreamEachLogAsItIs() throws Exception {
    Staged s = stage();
    Build build = s.provider().fetchBuild(s.target(), e -> {});

    assertThat(log(s.provider(), build, s.failedJob())).isEqualTo(FAILED_LOG);
    if (s.passedJob().isPresent()) {
      assertThat(log(s.provider(), build, s.passedJob().get())).isEqualTo(PASSED_LOG);
    }
  }

  @Test
  void shouldServeTheJunitReport() throws Exception {
    Staged s = stage();
    Build build = s.provider().fetchBuild(s.target(), e -> {});

    List<TestReport> reports = new ArrayList<>();
    for (BuildJob job : build.jobs()) {
      TestReports r = s.provider().testReports(build, job);
      assertThat(r.warnings()).isEmpty();
      reports.addAll(r.reports());
    }
    assertThat(reports).hasSize(1);
    assertThat(new String(reports.get(0).content(), StandardCharsets.UTF_8)).isEqualTo(JUNIT);
    assertThat(reports.get(0).name()).endsWith(".xml");
  }

  @Test
  void shouldFailWithOneActionableLineForABuildThatIsNotThere() throws Exception {
    Staged s = stage();

    assertThatThrownBy(() -> s.provider().fetchBuild(s.missing(), e -> {}))
        .isInstanceOf(DestillException.class)
        .satisfies(e -> assertThat(e.getMessage()).isNotBlank().doesNotContain("\n"));
  }

  private static String log(CiProvider provider, Build build, String job) throws Exception {
    BuildJob j =
        build.jobs().stream().filter(b -> b.info().name().equals(job)).findFirst().orElseThrow();
    try (InputStream in = provider.openLog(build, j)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
