package dev.destill.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.destill.core.DestillException;
import dev.destill.core.engine.JobPairing;
import dev.destill.core.model.ProgressEvent;
import dev.destill.core.provider.Build;
import dev.destill.core.provider.BuildJob;
import dev.destill.core.provider.PassingBuild;
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

/** The last green pipeline of a failed pipeline's project, against a fake GitLab API. */
class GitLabLastGreenTest {
  static final String PROJECT = "/api/v4/projects/acme%2Fbackend%2Fshop";
  static final String WEB = "https://gitlab.example.com/acme/backend/shop/-/pipelines/";
  static final String URL = WEB + "55";
  static final String FEATURE =
      PROJECT + "/pipelines?status=success&ref=feature%2Fcart&per_page=20";
  static final String MAIN = PROJECT + "/pipelines?status=success&ref=main&per_page=20";

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
        Map.of(
            GitLabProvider.API_URL, api.url() + "/api/v4", GitLabProvider.TOKEN, "glpat-secret"));
  }

  void failedPipeline() {
    api.on(PROJECT + "/pipelines/55", Reply.json(resource("/gitlab/pipeline-55.json")));
    api.on(PROJECT, Reply.json(resource("/gitlab/project.json")));
  }

  List<String> calls() {
    return api.seen().stream().map(FakeCiServer.Seen::pathAndQuery).toList();
  }

  @Test
  void shouldFindTheNewestSuccessfulPipelineOnTheRefSkippingTheFailedOne() {
    failedPipeline();
    api.on(FEATURE, Reply.json(resource("/gitlab/pipelines-feature.json")));

    // Pipeline 55 is in the list because its failed job was retried and passed.
    assertThat(provider().lastGreen(URL, events::add))
        .contains(new PassingBuild(WEB + "51", "feature/cart", false));
    assertThat(calls()).containsExactly(PROJECT + "/pipelines/55", FEATURE);
    assertThat(api.seen()).allSatisfy(s -> assertThat(s.hadPrivateToken()).isTrue());
    assertThat(events).isEmpty();
  }

  @Test
  void shouldTakeTheRefAndPipelineOfAFailedJobUrl() {
    api.on(PROJECT + "/jobs/6", Reply.json(resource("/gitlab/job-6.json")));
    api.on(FEATURE, Reply.json(resource("/gitlab/pipelines-feature.json")));

    assertThat(
            provider()
                .lastGreen("https://gitlab.example.com/acme/backend/shop/-/jobs/6", events::add))
        .contains(new PassingBuild(WEB + "51", "feature/cart", false));
    assertThat(calls()).containsExactly(PROJECT + "/jobs/6", FEATURE);
  }

  @Test
  void shouldFallBackToTheProjectsDefaultBranch() {
    failedPipeline();
    api.on(FEATURE, Reply.json(resource("/gitlab/pipelines-none.json")));
    api.on(MAIN, Reply.json(resource("/gitlab/pipelines-main.json")));

    assertThat(provider().lastGreen(URL, events::add))
        .contains(new PassingBuild(WEB + "48", "main", true));
    assertThat(calls()).containsExactly(PROJECT + "/pipelines/55", FEATURE, PROJECT, MAIN);
  }

  @Test
  void shouldFindNoGreenPipelineWithoutAnException() {
    failedPipeline();
    api.on(FEATURE, Reply.json(resource("/gitlab/pipelines-none.json")));
    api.on(MAIN, Reply.json(resource("/gitlab/pipelines-none.json")));

    assertThat(provider().lastGreen(URL, events::add)).isEmpty();
    assertThat(calls()).containsExactly(PROJECT + "/pipelines/55", FEATURE, PROJECT, MAIN);
    assertThat(events).isEmpty();
  }

  @Test
  void shouldPairAMatrixJobOfTheGreenPipelineByItsValues() {
    failedPipeline();
    api.on(FEATURE, Reply.json(resource("/gitlab/pipelines-feature.json")));
    jobs();
    api.on(PROJECT + "/jobs/3/trace", Reply.text("Finished in 2.1 seconds (3.2)\n"));
    GitLabProvider p = provider();
    Build failed = p.fetchBuild(URL, events::add);
    Build green = p.fetchBuild(p.lastGreen(URL, events::add).orElseThrow().url(), events::add);

    BuildJob paired =
        JobPairing.pair(failed.jobs().get(0).info().name(), GitHubLastGreenTest.byName(green))
            .orElseThrow();

    assertThat(failed.jobs().get(0).info().name()).isEqualTo("test: rspec: [3.2, alpine]");
    assertThat(paired.info().name()).isEqualTo("test: rspec: [alpine, 3.2]");
    assertThat(BuildkiteProviderTest.read(p.openLog(green, paired))).contains("(3.2)");
  }

  @Test
  void shouldSayABaselineLogIsGoneAndStillReadTheFailedOne() {
    failedPipeline();
    api.on(FEATURE, Reply.json(resource("/gitlab/pipelines-feature.json")));
    jobs();
    api.on(PROJECT + "/jobs/3/trace", Reply.status(410));
    api.on(PROJECT + "/jobs/4/trace", Reply.status(404));
    api.on(PROJECT + "/jobs/6/trace", Reply.text("Failures:\n  1) Cart totals\n"));
    GitLabProvider p = provider();
    Build failed = p.fetchBuild(URL, events::add);
    Build green = p.fetchBuild(p.lastGreen(URL, events::add).orElseThrow().url(), events::add);

    assertThatThrownBy(() -> p.openLog(green, green.jobs().get(0)))
        .isInstanceOf(DestillException.BadInput.class)
        .hasMessage(
            "the log of job test: rspec: [alpine, 3.2] is gone: GitLab returned 410 (it expired"
                + " or was deleted)");
    assertThatThrownBy(() -> p.openLog(green, green.jobs().get(1)))
        .isInstanceOf(DestillException.BadInput.class)
        .hasMessageStartingWith(
            "the log of job test: rspec: [alpine, 3.3] is gone: GitLab returned 404")
        .hasMessageNotContaining("glpat-secret");
    assertThat(BuildkiteProviderTest.read(p.openLog(failed, failed.jobs().get(0))))
        .startsWith("Failures:");
  }

  @Test
  void shouldSkipPipelinesThatAreNotPlainSuccessfulOnes() {
    failedPipeline();
    api.on(
        FEATURE,
        Reply.json(
            """
        [{"id":"54/../../x","status":"success"},{"id":53,"status":"canceled"},
         {"id":52,"status":"success"}]"""));

    assertThat(provider().lastGreen(URL, events::add)).map(PassingBuild::url).contains(WEB + "52");
  }

  void jobs() {
    api.on(
        PROJECT + "/pipelines/55/jobs?per_page=100", Reply.json(resource("/gitlab/jobs-55.json")));
    api.on(
        PROJECT + "/pipelines/51/jobs?per_page=100", Reply.json(resource("/gitlab/jobs-51.json")));
  }

  static String resource(String name) {
    return BuildkiteProviderTest.resource(name);
  }
}
