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
import dev.destill.provider.github.GitHubProvider;
import dev.destill.provider.internal.HttpTransport;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The last green run of a failed run's workflow, against a fake GitHub API. */
class GitHubLastGreenTest {
  static final String REPO = "/repos/acme/shop";
  static final String URL = "https://github.com/acme/shop/actions/runs/777";
  static final String FEATURE_RUNS =
      REPO + "/actions/workflows/4321/runs?branch=feature%2Fcart&status=success&per_page=20";
  static final String MAIN_RUNS =
      REPO + "/actions/workflows/4321/runs?branch=main&status=success&per_page=20";

  final FakeCiServer api = new FakeCiServer();
  final List<ProgressEvent> events = new ArrayList<>();

  @AfterEach
  void stop() {
    api.close();
  }

  GitHubProvider provider() {
    return new GitHubProvider(
        new HttpTransport(
            HttpTransport.defaultClient(), Clock.systemUTC(), d -> {}, Duration.ofSeconds(5)),
        Map.of(GitHubProvider.API_URL, api.url(), GitHubProvider.TOKEN, "ghp_secret"));
  }

  void failedRun() {
    api.on(REPO + "/actions/runs/777", Reply.json(resource("/github/run-777.json")));
    api.on(REPO, Reply.json(resource("/github/repo.json")));
  }

  List<String> calls() {
    return api.seen().stream().map(FakeCiServer.Seen::pathAndQuery).toList();
  }

  @Test
  void shouldFindTheNewestGreenRunOnTheBranchSkippingTheFailedRun() {
    failedRun();
    api.on(FEATURE_RUNS, Reply.json(resource("/github/runs-feature.json")));

    Optional<PassingBuild> green = provider().lastGreen(URL + "/attempts/1", events::add);

    // Run 777 is in the list because its second attempt passed: it is the failed run itself.
    assertThat(green)
        .contains(
            new PassingBuild(
                "https://github.com/acme/shop/actions/runs/770", "feature/cart", false));
    assertThat(calls()).containsExactly(REPO + "/actions/runs/777", FEATURE_RUNS);
    assertThat(api.seen()).allSatisfy(s -> assertThat(s.hadAuthorization()).isTrue());
    assertThat(events).isEmpty();
  }

  @Test
  void shouldFallBackToTheDefaultBranch() {
    failedRun();
    api.on(FEATURE_RUNS, Reply.json(resource("/github/runs-none.json")));
    api.on(MAIN_RUNS, Reply.json(resource("/github/runs-main.json")));

    Optional<PassingBuild> green = provider().lastGreen(URL, events::add);

    assertThat(green)
        .contains(new PassingBuild("https://github.com/acme/shop/actions/runs/760", "main", true));
    assertThat(calls()).containsExactly(REPO + "/actions/runs/777", FEATURE_RUNS, REPO, MAIN_RUNS);
  }

  @Test
  void shouldFindNoGreenRunWithoutAnException() {
    failedRun();
    api.on(FEATURE_RUNS, Reply.json(resource("/github/runs-none.json")));
    api.on(MAIN_RUNS, Reply.json(resource("/github/runs-none.json")));

    assertThat(provider().lastGreen(URL, events::add)).isEmpty();
    assertThat(calls()).containsExactly(REPO + "/actions/runs/777", FEATURE_RUNS, REPO, MAIN_RUNS);
    assertThat(events).isEmpty();
  }

  @Test
  void shouldAskAboutTheDefaultBranchOnceWhenTheRunWasOnIt() {
    api.on(
        REPO + "/actions/runs/777",
        Reply.json(resource("/github/run-777.json").replace("feature/cart", "main")));
    api.on(REPO, Reply.json(resource("/github/repo.json")));
    api.on(MAIN_RUNS, Reply.json(resource("/github/runs-none.json")));

    assertThat(provider().lastGreen(URL, events::add)).isEmpty();
    assertThat(calls()).containsExactly(REPO + "/actions/runs/777", MAIN_RUNS, REPO);
  }

  @Test
  void shouldPairAMatrixJobOfTheGreenRunByItsValues() throws Exception {
    failedRun();
    api.on(FEATURE_RUNS, Reply.json(resource("/github/runs-feature.json")));
    greenRun();
    api.on(REPO + "/actions/jobs/7701/logs", Reply.text("[INFO] BUILD SUCCESS on 17\n"));
    GitHubProvider p = provider();
    Build failed = p.fetchBuild(URL, events::add);
    Build green = p.fetchBuild(p.lastGreen(URL, events::add).orElseThrow().url(), events::add);

    BuildJob failedJob = failed.jobs().get(0);
    BuildJob paired = JobPairing.pair(failedJob.info().name(), byName(green)).orElseThrow();

    assertThat(failedJob.info().name()).isEqualTo("test (ubuntu-latest, 17)");
    assertThat(paired.info().name()).isEqualTo("test (17, ubuntu-latest)");
    try (InputStream in = p.openLog(green, paired)) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).contains("on 17");
    }
  }

  @Test
  void shouldSayABaselineLogIsGoneAndStillReadTheFailedOne() throws Exception {
    failedRun();
    api.on(FEATURE_RUNS, Reply.json(resource("/github/runs-feature.json")));
    greenRun();
    api.on(REPO + "/actions/jobs/7701/logs", Reply.status(410));
    api.on(REPO + "/actions/jobs/7702/logs", Reply.status(404));
    api.on(
        REPO + "/actions/jobs/7771/logs",
        Reply.text("##[error]Process completed with exit code 1.\n"));
    GitHubProvider p = provider();
    Build failed = p.fetchBuild(URL, events::add);
    Build green = p.fetchBuild(p.lastGreen(URL, events::add).orElseThrow().url(), events::add);
    Map<String, BuildJob> jobs = byName(green);

    assertThatThrownBy(() -> p.openLog(green, jobs.get("test (17, ubuntu-latest)")))
        .isInstanceOf(DestillException.BadInput.class)
        .hasMessage(
            "the log of job test (17, ubuntu-latest) is gone: GitHub returned 410 (it expired or"
                + " was deleted)");
    assertThatThrownBy(() -> p.openLog(green, jobs.get("test (21, ubuntu-latest)")))
        .isInstanceOf(DestillException.BadInput.class)
        .hasMessageStartingWith(
            "the log of job test (21, ubuntu-latest) is gone: GitHub returned 404")
        .hasMessageContaining("GITHUB_TOKEN")
        .hasMessageNotContaining("ghp_secret");
    try (InputStream in = p.openLog(failed, failed.jobs().get(0))) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).contains("exit code 1");
    }
  }

  @Test
  void shouldRefuseARunWithoutAWorkflow() {
    api.on(
        REPO + "/actions/runs/777",
        Reply.json("{\"id\":777,\"head_branch\":\"main\",\"workflow_id\":\"../../x\"}"));

    assertThatThrownBy(() -> provider().lastGreen(URL, events::add))
        .isInstanceOf(DestillException.BadInput.class)
        .hasMessageContaining("no workflow for run 777");
    assertThat(api.requestCount()).isEqualTo(1);
  }

  @Test
  void shouldSkipRunsThatAreNotPlainSuccessfulRuns() {
    failedRun();
    api.on(
        FEATURE_RUNS,
        Reply.json(
            """
        {"total_count":3,"workflow_runs":[
          {"id":"769/../../evil","conclusion":"success"},
          {"id":768,"conclusion":"cancelled"},
          {"id":767,"conclusion":"success"}]}"""));

    assertThat(provider().lastGreen(URL, events::add))
        .map(PassingBuild::url)
        .contains("https://github.com/acme/shop/actions/runs/767");
  }

  void greenRun() {
    api.on(
        REPO + "/actions/runs/777/jobs?per_page=100&filter=latest",
        Reply.json(resource("/github/jobs-777.json")));
    api.on(
        REPO + "/actions/runs/770",
        Reply.json(
            """
        {"id":770,"name":"CI","head_branch":"feature/cart","run_number":11,"status":"completed",
         "conclusion":"success","workflow_id":4321}"""));
    api.on(
        REPO + "/actions/runs/770/jobs?per_page=100&filter=latest",
        Reply.json(resource("/github/jobs-770.json")));
  }

  static Map<String, BuildJob> byName(Build build) {
    Map<String, BuildJob> jobs = new LinkedHashMap<>();
    for (BuildJob j : build.jobs()) {
      if (j.hasLog()) {
        jobs.put(j.info().name(), j);
      }
    }
    return jobs;
  }

  static String resource(String name) {
    return BuildkiteProviderTest.resource(name);
  }
}
