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
import dev.destill.provider.buildkite.BuildkiteProvider;
import dev.destill.provider.internal.HttpTransport;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The last green build of a failed build's pipeline, against a fake Buildkite API. */
class BuildkiteLastGreenTest {
  static final String PIPELINE = "/v2/organizations/acme/pipelines/shop";
  static final String URL = "https://buildkite.com/acme/shop/builds/42";
  static final String FEATURE = PIPELINE + "/builds?state=passed&branch=feature%2Fcart&per_page=20";
  static final String MAIN = PIPELINE + "/builds?state=passed&branch=main&per_page=20";
  static final String FAILED_JOB = "0190a1b2-0000-4000-8000-000000000011";

  final FakeCiServer api = new FakeCiServer();
  final List<ProgressEvent> events = new ArrayList<>();

  @AfterEach
  void stop() {
    api.close();
  }

  BuildkiteProvider provider() {
    return new BuildkiteProvider(
        new HttpTransport(
            HttpTransport.defaultClient(), Clock.systemUTC(), d -> {}, Duration.ofSeconds(5)),
        Map.of(BuildkiteProvider.API_URL, api.url() + "/v2", BuildkiteProvider.TOKEN, "bk-secret"));
  }

  void failedBuild() {
    api.on(PIPELINE + "/builds/42", Reply.json(resource("/buildkite/build-42-feature.json")));
    api.on(PIPELINE, Reply.json(resource("/buildkite/pipeline.json")));
  }

  List<String> calls() {
    return api.seen().stream().map(FakeCiServer.Seen::pathAndQuery).toList();
  }

  @Test
  void shouldFindTheNewestPassedBuildOnTheBranchSkippingTheFailedBuild() {
    failedBuild();
    api.on(FEATURE, Reply.json(resource("/buildkite/builds-passed-feature.json")));

    Optional<PassingBuild> green = provider().lastGreen(URL + "#" + FAILED_JOB, events::add);

    // Build 42 is in the list because its failed job was retried until it passed.
    assertThat(green)
        .contains(
            new PassingBuild("https://buildkite.com/acme/shop/builds/40", "feature/cart", false));
    assertThat(calls()).containsExactly(PIPELINE + "/builds/42", FEATURE);
    assertThat(api.seen()).allSatisfy(s -> assertThat(s.hadAuthorization()).isTrue());
    assertThat(events).isEmpty();
  }

  @Test
  void shouldFallBackToThePipelinesDefaultBranch() {
    failedBuild();
    api.on(FEATURE, Reply.json(resource("/buildkite/builds-none.json")));
    api.on(MAIN, Reply.json(resource("/buildkite/builds-passed-main.json")));

    assertThat(provider().lastGreen(URL, events::add))
        .contains(new PassingBuild("https://buildkite.com/acme/shop/builds/38", "main", true));
    assertThat(calls()).containsExactly(PIPELINE + "/builds/42", FEATURE, PIPELINE, MAIN);
  }

  @Test
  void shouldFindNoGreenBuildWithoutAnException() {
    failedBuild();
    api.on(FEATURE, Reply.json(resource("/buildkite/builds-none.json")));
    api.on(MAIN, Reply.json(resource("/buildkite/builds-none.json")));

    assertThat(provider().lastGreen(URL, events::add)).isEmpty();
    assertThat(calls()).containsExactly(PIPELINE + "/builds/42", FEATURE, PIPELINE, MAIN);
    assertThat(events).isEmpty();
  }

  @Test
  void shouldPairAMatrixJobOfTheGreenBuildByItsValues() {
    failedBuild();
    api.on(FEATURE, Reply.json(resource("/buildkite/builds-passed-feature.json")));
    api.on(PIPELINE + "/builds/40", Reply.json(resource("/buildkite/build-40.json")));
    api.on(
        PIPELINE + "/builds/40/jobs/0190a1b2-0000-4000-8000-000000000401/log.txt",
        Reply.text("BUILD SUCCESSFUL on 17\n"));
    BuildkiteProvider p = provider();
    Build failed = p.fetchBuild(URL, events::add);
    Build green = p.fetchBuild(p.lastGreen(URL, events::add).orElseThrow().url(), events::add);

    BuildJob paired =
        JobPairing.pair(failed.jobs().get(0).info().name(), GitHubLastGreenTest.byName(green))
            .orElseThrow();

    assertThat(paired.info().name()).isEqualTo(":java: test (17, linux)");
    assertThat(BuildkiteProviderTest.read(p.openLog(green, paired))).contains("on 17");
  }

  @Test
  void shouldSayABaselineLogIsGoneAndStillReadTheFailedOne() {
    failedBuild();
    api.on(FEATURE, Reply.json(resource("/buildkite/builds-passed-feature.json")));
    api.on(PIPELINE + "/builds/40", Reply.json(resource("/buildkite/build-40.json")));
    api.on(
        PIPELINE + "/builds/40/jobs/0190a1b2-0000-4000-8000-000000000401/log.txt",
        Reply.status(410));
    api.on(
        PIPELINE + "/builds/40/jobs/0190a1b2-0000-4000-8000-000000000402/log.txt",
        Reply.status(404));
    api.on(PIPELINE + "/builds/42/jobs/" + FAILED_JOB + "/log.txt", Reply.text("exit status 1\n"));
    BuildkiteProvider p = provider();
    Build failed = p.fetchBuild(URL, events::add);
    Build green = p.fetchBuild(p.lastGreen(URL, events::add).orElseThrow().url(), events::add);

    assertThatThrownBy(() -> p.openLog(green, green.jobs().get(0)))
        .isInstanceOf(DestillException.BadInput.class)
        .hasMessage(
            "the log of job :java: test (17, linux) is gone: Buildkite returned 410 (it expired"
                + " or was deleted)");
    assertThatThrownBy(() -> p.openLog(green, green.jobs().get(1)))
        .isInstanceOf(DestillException.BadInput.class)
        .hasMessageStartingWith(
            "the log of job :java: test (21, linux) is gone: Buildkite returned 404")
        .hasMessageNotContaining("bk-secret");
    assertThat(BuildkiteProviderTest.read(p.openLog(failed, failed.jobs().get(0))))
        .contains("exit status 1");
  }

  @Test
  void shouldSkipBuildsThatAreNotPlainPassedBuilds() {
    failedBuild();
    api.on(
        FEATURE,
        Reply.json(
            """
        [{"number":"41#evil","state":"passed"},{"number":39,"state":"failed"},
         {"number":37,"state":"passed"}]"""));

    assertThat(provider().lastGreen(URL, events::add))
        .map(PassingBuild::url)
        .contains("https://buildkite.com/acme/shop/builds/37");
  }

  @Test
  void shouldTakeABranchWithControlCharactersAsNone() {
    api.on(
        PIPELINE + "/builds/42",
        Reply.json("{\"number\":42,\"state\":\"failed\",\"branch\":\"x\\nwarning: forged\"}"));
    api.on(PIPELINE, Reply.json(resource("/buildkite/pipeline.json")));
    api.on(MAIN, Reply.json(resource("/buildkite/builds-passed-main.json")));

    assertThat(provider().lastGreen(URL, events::add))
        .contains(new PassingBuild("https://buildkite.com/acme/shop/builds/38", "main", true));
    assertThat(calls()).containsExactly(PIPELINE + "/builds/42", PIPELINE, MAIN);
  }

  static String resource(String name) {
    return BuildkiteProviderTest.resource(name);
  }
}
