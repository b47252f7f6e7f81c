package dev.destill.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.destill.core.DestillException;
import dev.destill.core.model.JobState;
import dev.destill.core.model.ProgressEvent;
import dev.destill.core.provider.Build;
import dev.destill.core.provider.BuildJob;
import dev.destill.core.provider.TestReports;
import dev.destill.provider.FakeCiServer.Reply;
import dev.destill.provider.buildkite.BuildkiteProvider;
import dev.destill.provider.internal.HttpTransport;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BuildkiteProviderTest {
  static final String BUILD = "/v2/organizations/acme/pipelines/shop/builds/42";
  static final String JOB1 = "0190a1b2-0000-4000-8000-000000000001";
  static final String JOB3 = "0190a1b2-0000-4000-8000-000000000003";
  static final String URL = "https://buildkite.com/acme/shop/builds/42";

  final FakeCiServer api = new FakeCiServer();
  final FakeCiServer storage = new FakeCiServer();
  final List<Duration> waits = new ArrayList<>();
  final List<ProgressEvent> events = new ArrayList<>();

  @AfterEach
  void stop() {
    api.close();
    storage.close();
  }

  static String resource(String name) {
    try (InputStream in = BuildkiteProviderTest.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  BuildkiteProvider provider(String token) {
    HttpTransport http =
        new HttpTransport(
            HttpTransport.defaultClient(), Clock.systemUTC(), waits::add, Duration.ofSeconds(5));
    return new BuildkiteProvider(
        http,
        token == null
            ? Map.of(BuildkiteProvider.API_URL, api.url() + "/v2")
            : Map.of(BuildkiteProvider.API_URL, api.url() + "/v2", BuildkiteProvider.TOKEN, token));
  }

  static String read(InputStream in) {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void shouldResolveTheBuildAndSkipJobsWithoutLogs() {
    api.on(BUILD, Reply.json(resource("/buildkite/build.json")));
    Build build = provider("bk-token").fetchBuild(URL, events::add);
    assertThat(build.id()).isEqualTo("buildkite:acme/shop/42");
    assertThat(build.state()).isEqualTo(JobState.FAILED);
    assertThat(build.jobs()).hasSize(4);
    assertThat(build.jobs().stream().filter(BuildJob::hasLog).map(j -> j.info().name()))
        .containsExactly(":go: unit tests", ":eslint: lint");
    BuildJob failed = build.jobs().get(0);
    assertThat(failed.info().state()).isEqualTo(JobState.FAILED);
    assertThat(failed.info().exitStatus()).hasValue(1);
    assertThat(events).first().isInstanceOf(ProgressEvent.BuildResolved.class);
    assertThat(api.seen()).allSatisfy(s -> assertThat(s.hadAuthorization()).isTrue());
  }

  @Test
  void shouldKeepOnlyTheJobNamedInTheUrlFragment() {
    api.on(BUILD, Reply.json(resource("/buildkite/build.json")));
    Build build = provider("bk-token").fetchBuild(URL + "#" + JOB3, events::add);
    assertThat(build.jobs())
        .singleElement()
        .satisfies(j -> assertThat(j.info().id()).isEqualTo(JOB3));
  }

  @Test
  void shouldStreamARawLog() {
    api.on(BUILD, Reply.json(resource("/buildkite/build.json")));
    api.on(BUILD + "/jobs/" + JOB1 + "/log.txt", Reply.text("--- FAIL: TestCart\nok\n"));
    BuildkiteProvider p = provider("bk-token");
    Build build = p.fetchBuild(URL, events::add);
    assertThat(read(p.openLog(build, build.jobs().get(0)))).startsWith("--- FAIL: TestCart");
  }

  @Test
  void shouldDownloadJunitArtifactsThroughTheRedirectWithoutTheToken() {
    api.on(BUILD, Reply.json(resource("/buildkite/build.json")));
    api.on(
        BUILD + "/artifacts?per_page=100",
        Reply.json(
            """
        [{"id":"a1","job_id":"%s","path":"reports/junit.xml","file_size":120},
         {"id":"a2","job_id":"%s","path":"dist/app.tar.gz","file_size":5000}]"""
                .formatted(JOB1, JOB1)));
    api.on(
        BUILD + "/jobs/" + JOB1 + "/artifacts/a1/download",
        Reply.redirect(storage.url() + "/bucket/junit.xml?X-Amz-Signature=abc"));
    storage.on(
        "/bucket/junit.xml?X-Amz-Signature=abc",
        Reply.text(
            "<testsuite><testcase classname='A' name='b'><failure message='x'/></testcase></testsuite>"));
    BuildkiteProvider p = provider("bk-token");
    Build build = p.fetchBuild(URL, events::add);
    TestReports reports = p.testReports(build, build.jobs().get(0));
    assertThat(reports.reports())
        .singleElement()
        .satisfies(r -> assertThat(r.name()).isEqualTo("reports/junit.xml"));
    assertThat(storage.seen())
        .isNotEmpty()
        .allSatisfy(s -> assertThat(s.hadAuthorization()).isFalse());
  }

  @Test
  void shouldKeepTheArtifactListsOfAFewBuildsOnly() {
    api.on(BUILD, Reply.json(resource("/buildkite/build.json")));
    api.on(BUILD + "/artifacts?per_page=100", Reply.json("[]"));
    BuildkiteProvider p = provider("bk-token");
    Build build = p.fetchBuild(URL, events::add);
    // One process sees build after build: as many as an agent ingests in a day.
    for (int i = 0; i < 200; i++) {
      Build another =
          new Build(
              "buildkite:acme/shop/" + (1000 + i),
              build.provider(),
              build.url(),
              build.title(),
              build.state(),
              build.jobs());
      p.testReports(another, another.jobs().get(0));
      p.testReports(another, another.jobs().get(1));
    }
    assertThat(p.cachedArtifactLists()).isEqualTo(BuildkiteProvider.ARTIFACT_CACHE_BUILDS);
    // Each build was listed once for its two jobs.
    assertThat(api.seen().stream().filter(s -> s.pathAndQuery().contains("/artifacts")).count())
        .isEqualTo(200);
  }

  @Test
  void shouldFailFastWithoutAToken() {
    assertThatThrownBy(() -> provider(null).fetchBuild(URL, events::add))
        .isInstanceOf(DestillException.BadInput.class)
        .hasMessageContaining("BUILDKITE_API_TOKEN")
        .hasMessageContaining("read_build_logs");
    assertThat(api.requestCount()).isZero();
  }

  @Test
  void shouldNameTheVariableAndScopesOn401And403() {
    api.on(BUILD, Reply.status(401));
    assertThatThrownBy(() -> provider("expired").fetchBuild(URL, events::add))
        .hasMessageContaining("401")
        .hasMessageContaining("BUILDKITE_API_TOKEN")
        .hasMessageNotContaining("expired");
    api.on(BUILD, Reply.status(403));
    assertThatThrownBy(() -> provider("narrow").fetchBuild(URL, events::add))
        .hasMessageContaining("403")
        .hasMessageContaining("read_builds");
  }

  @Test
  void shouldExplainA404() {
    assertThatThrownBy(() -> provider("t").fetchBuild(URL, events::add))
        .isInstanceOf(DestillException.BadInput.class)
        .hasMessageContaining("404")
        .hasMessageContaining("check the URL");
  }

  @Test
  void shouldHonourRetryAfterOn429() {
    api.sequence(BUILD, Reply.status(429, Map.of("Retry-After", "3")));
    api.on(BUILD, Reply.json(resource("/buildkite/build.json")));
    assertThat(provider("t").fetchBuild(URL, events::add).jobs()).hasSize(4);
    assertThat(waits).containsExactly(Duration.ofSeconds(3));
  }

  @Test
  void shouldRetryServerErrorsWithBackoffThenGiveUp() {
    api.sequence(BUILD, Reply.status(502), Reply.status(503));
    api.on(BUILD, Reply.json(resource("/buildkite/build.json")));
    assertThat(provider("t").fetchBuild(URL, events::add).jobs()).hasSize(4);
    assertThat(waits).hasSize(2);
    assertThat(waits.get(1)).isGreaterThan(waits.get(0));

    api.on(BUILD, Reply.status(500));
    waits.clear();
    int before = api.requestCount();
    assertThatThrownBy(() -> provider("t").fetchBuild(URL, events::add))
        .isInstanceOf(DestillException.Retriable.class)
        .hasMessageContaining("500")
        .hasMessageContaining("try again");
    assertThat(api.requestCount() - before).isEqualTo(HttpTransport.MAX_ATTEMPTS);
    assertThat(waits).as("no wait after the last attempt").hasSize(HttpTransport.MAX_ATTEMPTS - 1);
  }

  @Test
  void shouldRejectUrlsOfOtherShapes() {
    assertThatThrownBy(
            () -> provider("t").fetchBuild("https://buildkite.com/acme/shop", events::add))
        .isInstanceOf(DestillException.BadInput.class)
        .hasMessageContaining("builds/NUMBER");
  }

  @Test
  void shouldListAJobGivenTwiceOnce() {
    String job =
        """
        {"id":"%s","type":"script","name":"unit","state":"failed"}"""
            .formatted(JOB1);
    api.on(BUILD, Reply.json("{\"state\":\"failed\",\"jobs\":[" + job + "," + job + "]}"));

    Build build = provider("bk-token").fetchBuild(URL, events::add);

    assertThat(build.jobs()).extracting(j -> j.info().id()).containsExactly(JOB1);
  }
}
