package dev.destill.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.destill.core.model.JobState;
import dev.destill.core.model.ProgressEvent;
import dev.destill.core.provider.Build;
import dev.destill.core.provider.TestReports;
import dev.destill.provider.FakeCiServer.Reply;
import dev.destill.provider.gitlab.GitLabProvider;
import dev.destill.provider.internal.HttpTransport;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GitLabProviderTest {
  static final String PROJECT = "/api/v4/projects/acme%2Fbackend%2Fshop";
  static final String URL = "https://gitlab.example.com/acme/backend/shop/-/pipelines/55";

  final FakeCiServer api = new FakeCiServer();
  final List<ProgressEvent> events = new ArrayList<>();

  @AfterEach
  void stop() {
    api.close();
  }

  GitLabProvider provider() {
    return new GitLabProvider(
        new HttpTransport(
            HttpTransport.defaultClient(), Clock.systemUTC(), d -> {}, Duration.ofSeconds(5)),
        Map.of(GitLabProvider.API_URL, api.url() + "/api/v4", GitLabProvider.TOKEN, "glpat-x"));
  }

  void pipeline() {
    api.on(
        PROJECT + "/pipelines/55/jobs?per_page=100",
        Reply.json(
            """
        [{"id":6,"name":"rspec","stage":"test","status":"failed","allow_failure":false,
          "artifacts":[{"file_type":"archive","filename":"artifacts.zip"},{"file_type":"junit","filename":"junit.xml.gz"}]},
         {"id":7,"name":"rubocop","stage":"lint","status":"failed","allow_failure":true,"artifacts":[]}]""",
            Map.of("X-Next-Page", "2")));
    api.on(
        PROJECT + "/pipelines/55/jobs?per_page=100&page=2",
        Reply.json(
            """
        [{"id":8,"name":"deploy","stage":"deploy","status":"manual","artifacts":[]}]""",
            Map.of("X-Next-Page", "")));
  }

  @Test
  void shouldListJobsAcrossPagesWithTheToken() {
    pipeline();
    Build build = provider().fetchBuild(URL, events::add);
    assertThat(build.id()).isEqualTo("gitlab:acme/backend/shop/pipelines/55");
    assertThat(build.jobs())
        .extracting(j -> j.info().name())
        .containsExactly("test: rspec", "lint: rubocop", "deploy: deploy");
    assertThat(build.jobs().get(1).info().state()).as("allowed to fail").isEqualTo(JobState.PASSED);
    assertThat(build.jobs().get(2).hasLog()).isFalse();
    assertThat(api.seen()).allSatisfy(s -> assertThat(s.hadPrivateToken()).isTrue());
  }

  @Test
  void shouldStreamTracesAndReadJunitFromTheArchive() throws Exception {
    pipeline();
    api.on(PROJECT + "/jobs/6/trace", Reply.text("Failures:\n  1) Cart totals\n"));
    api.on(
        PROJECT + "/jobs/6/artifacts",
        Reply.bytes(Zips.zip(Map.of("rspec.xml", SafeZipTest.REPORT))));
    GitLabProvider p = provider();
    Build build = p.fetchBuild(URL, events::add);
    try (var in = p.openLog(build, build.jobs().get(0))) {
      assertThat(new String(in.readAllBytes())).startsWith("Failures:");
    }
    TestReports reports = p.testReports(build, build.jobs().get(0));
    assertThat(reports.reports()).hasSize(1);
    assertThat(p.testReports(build, build.jobs().get(1)).reports()).isEmpty();
  }

  @Test
  void shouldResolveASingleJobUrl() {
    api.on(
        PROJECT + "/jobs/6",
        Reply.json("{\"id\":6,\"name\":\"rspec\",\"stage\":\"test\",\"status\":\"failed\"}"));
    Build build =
        provider().fetchBuild("https://gitlab.example.com/acme/backend/shop/-/jobs/6", events::add);
    assertThat(build.jobs()).singleElement().satisfies(j -> assertThat(j.info().failed()).isTrue());
  }

  @Test
  void shouldAskForTheTokenWhenMissing() {
    GitLabProvider p =
        new GitLabProvider(
            new HttpTransport(
                HttpTransport.defaultClient(), Clock.systemUTC(), d -> {}, Duration.ofSeconds(5)),
            Map.of(GitLabProvider.API_URL, api.url() + "/api/v4"));
    assertThatThrownBy(() -> p.fetchBuild(URL, events::add))
        .hasMessageContaining("GITLAB_TOKEN")
        .hasMessageContaining("read_api");
  }

  static final String JOB =
      """
      {"id":6,"name":"rspec","stage":"test","status":"failed","artifacts":[]}""";

  @Test
  void shouldListAJobOnTwoPagesOnceAndStopAtARepeatedPage() {
    api.on(
        PROJECT + "/pipelines/55/jobs?per_page=100",
        Reply.json("[" + JOB + "," + JOB + "]", Map.of("X-Next-Page", "2")));
    api.on(
        PROJECT + "/pipelines/55/jobs?per_page=100&page=2",
        Reply.json("[" + JOB + "]", Map.of("X-Next-Page", "2")));

    Build build = provider().fetchBuild(URL, events::add);

    assertThat(build.jobs()).extracting(j -> j.info().id()).containsExactly("6");
    assertThat(api.requestCount()).isEqualTo(2);
    assertThat(events)
        .anySatisfy(
            e ->
                assertThat(e)
                    .isInstanceOfSatisfying(
                        ProgressEvent.Warning.class,
                        w -> assertThat(w.message()).contains("back at a page")));
  }

  @Test
  void shouldSendNoTokenToAPipelineUrlOnAHostTheUserDidNotName() {
    GitLabProvider p =
        new GitLabProvider(
            new HttpTransport(
                HttpTransport.defaultClient(), Clock.systemUTC(), d -> {}, Duration.ofSeconds(5)),
            Map.of(GitLabProvider.TOKEN, "glpat-secret"));
    String target = api.url() + "/acme/shop/-/pipelines/55";
    assertThat(p.accepts(target)).isTrue();

    assertThatThrownBy(() -> p.fetchBuild(target, events::add))
        .hasMessageContaining("GITLAB_API_URL")
        .hasMessageNotContaining("glpat-secret");
    assertThat(api.requestCount()).isZero();
  }
}
