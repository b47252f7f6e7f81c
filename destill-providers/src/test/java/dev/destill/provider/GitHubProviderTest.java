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
import dev.destill.provider.github.GitHubProvider;
import dev.destill.provider.internal.HttpTransport;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GitHubProviderTest {
  static final String REPO = "/repos/acme/shop";
  static final String URL = "https://github.com/acme/shop/actions/runs/777";

  final FakeCiServer api = new FakeCiServer();
  final FakeCiServer storage = new FakeCiServer();
  final List<Duration> waits = new ArrayList<>();
  final List<ProgressEvent> events = new ArrayList<>();
  final Clock clock = Clock.fixed(Instant.ofEpochSecond(1_700_000_000), ZoneOffset.UTC);

  @AfterEach
  void stop() {
    api.close();
    storage.close();
  }

  GitHubProvider provider() {
    return new GitHubProvider(
        new HttpTransport(HttpTransport.defaultClient(), clock, waits::add, Duration.ofSeconds(5)),
        Map.of(GitHubProvider.API_URL, api.url(), GitHubProvider.TOKEN, "ghp_test"));
  }

  void run() {
    api.on(
        REPO + "/actions/runs/777",
        Reply.json(
            """
        {"id":777,"name":"CI","run_number":12,"status":"completed","conclusion":"failure"}"""));
    api.on(
        REPO + "/actions/runs/777/jobs?per_page=100&filter=latest",
        Reply.json(
            """
        {"total_count":3,"jobs":[{"id":1,"name":"build","status":"completed","conclusion":"failure",
          "steps":[{"name":"Run mvn verify","number":3,"conclusion":"failure"}]},
          {"id":2,"name":"lint","status":"completed","conclusion":"success"}]}""",
            Map.of(
                "Link",
                "<"
                    + api.url()
                    + REPO
                    + "/actions/runs/777/jobs?per_page=100&filter=latest&page=2>; rel=\"next\", <"
                    + api.url()
                    + REPO
                    + "/actions/runs/777/jobs?per_page=100&filter=latest&page=2>; rel=\"last\"")));
    api.on(
        REPO + "/actions/runs/777/jobs?per_page=100&filter=latest&page=2",
        Reply.json(
            """
        {"total_count":3,"jobs":[{"id":3,"name":"docs","status":"completed","conclusion":"skipped"}]}"""));
  }

  @Test
  void shouldNotFollowANextLinkToAnotherHost() {
    api.on(
        REPO + "/actions/runs/777",
        Reply.json(
            """
        {"id":777,"name":"CI","run_number":12,"status":"completed","conclusion":"failure"}"""));
    api.on(
        REPO + "/actions/runs/777/jobs?per_page=100&filter=latest",
        Reply.json(
            """
        {"total_count":2,"jobs":[{"id":1,"name":"build","status":"completed","conclusion":"failure"}]}""",
            Map.of(
                "Link",
                "<" + storage.url() + REPO + "/actions/runs/777/jobs?page=2>; rel=\"next\"")));

    Build build = provider().fetchBuild(URL, events::add);

    assertThat(build.jobs()).extracting(j -> j.info().name()).contains("build");
    assertThat(storage.requestCount()).isZero();
  }

  @Test
  void shouldListJobsAcrossPages() {
    run();
    Build build = provider().fetchBuild(URL, events::add);
    assertThat(build.title()).isEqualTo("acme/shop CI #12");
    assertThat(build.state()).isEqualTo(JobState.FAILED);
    assertThat(build.jobs())
        .extracting(j -> j.info().name())
        .containsExactly("build", "lint", "docs", "test reports");
    assertThat(build.jobs().get(2).hasLog()).isFalse();
    assertThat(build.jobs().get(1).info().state()).isEqualTo(JobState.PASSED);
  }

  @Test
  void shouldFollowTheLogRedirectWithoutSendingTheToken() throws Exception {
    run();
    api.on(REPO + "/actions/jobs/1/logs", Reply.redirect(storage.url() + "/logs/1?sig=secret"));
    storage.on(
        "/logs/1?sig=secret",
        Reply.text("2026-01-01T00:00:00.0000000Z ##[error]Process completed with exit code 1.\n"));
    GitHubProvider p = provider();
    Build build = p.fetchBuild(URL, events::add);
    try (var in = p.openLog(build, build.jobs().get(0))) {
      assertThat(new String(in.readAllBytes())).contains("exit code 1");
    }
    assertThat(api.seen()).allSatisfy(s -> assertThat(s.hadAuthorization()).isTrue());
    assertThat(storage.seen())
        .hasSize(1)
        .allSatisfy(s -> assertThat(s.hadAuthorization()).isFalse());
  }

  @Test
  void shouldTakeJunitOutOfArtifactZipsSafely() {
    run();
    api.on(
        REPO + "/actions/runs/777/artifacts?per_page=100",
        Reply.json(
            """
        {"total_count":3,"artifacts":[
          {"id":10,"name":"test-results","size_in_bytes":100,"expired":false,"archive_download_url":"%s/zip/10"},
          {"id":11,"name":"junit-bomb","size_in_bytes":100,"expired":false,"archive_download_url":"%s/zip/11"},
          {"id":12,"name":"site","size_in_bytes":100,"expired":false,"archive_download_url":"%s/zip/12"}]}"""
                .formatted(api.url(), api.url(), api.url())));
    Map<String, byte[]> good = new LinkedHashMap<>();
    good.put("TEST-Cart.xml", SafeZipTest.REPORT);
    good.put("../../outside.xml", SafeZipTest.REPORT);
    api.on("/zip/10", Reply.redirect(storage.url() + "/blob/10"));
    storage.on("/blob/10", Reply.bytes(Zips.zip(good)));
    api.on("/zip/11", Reply.redirect(storage.url() + "/blob/11"));
    storage.on("/blob/11", Reply.bytes(Zips.bomb("TEST-big.xml", 80 << 20)));
    GitHubProvider p = provider();
    Build build = p.fetchBuild(URL, events::add);
    BuildJob reportsJob = build.jobs().get(3);
    TestReports reports = p.testReports(build, reportsJob);
    assertThat(reports.reports())
        .singleElement()
        .satisfies(r -> assertThat(r.name()).isEqualTo("test-results!TEST-Cart.xml"));
    assertThat(reports.warnings())
        .anySatisfy(w -> assertThat(w).contains("unsafe name"))
        .anySatisfy(w -> assertThat(w).contains("zip bomb"));
    assertThat(storage.seen()).allSatisfy(s -> assertThat(s.hadAuthorization()).isFalse());
    assertThat(api.seen()).noneMatch(s -> s.pathAndQuery().equals("/zip/12"));
  }

  @Test
  void shouldWaitForASecondaryRateLimitReset() {
    run();
    api.sequence(
        REPO + "/actions/runs/777",
        Reply.status(
            403,
            Map.of(
                "X-RateLimit-Remaining",
                "0",
                "X-RateLimit-Reset",
                String.valueOf(1_700_000_000 + 20))));
    provider().fetchBuild(URL, events::add);
    assertThat(waits).containsExactly(Duration.ofSeconds(21));
  }

  @Test
  void shouldGiveUpOnARateLimitTooFarAway() {
    run();
    api.on(REPO + "/actions/runs/777", Reply.status(429, Map.of("Retry-After", "3600")));
    assertThatThrownBy(() -> provider().fetchBuild(URL, events::add))
        .hasMessageContaining("rate limit")
        .hasMessageContaining("3600");
    assertThat(waits).isEmpty();
  }

  @Test
  void shouldHonourAttemptsAndSingleJobUrls() {
    run();
    api.on(
        REPO + "/actions/runs/777/attempts/2/jobs?per_page=100",
        Reply.json(
            """
        {"total_count":1,"jobs":[{"id":9,"name":"build","status":"completed","conclusion":"failure"}]}"""));
    assertThat(provider().fetchBuild(URL + "/attempts/2", events::add).jobs())
        .extracting(j -> j.info().id())
        .containsExactly("9", "artifacts:777");
    assertThat(provider().fetchBuild(URL + "/job/2", events::add).jobs())
        .extracting(j -> j.info().id())
        .containsExactly("2", "artifacts:777");
  }

  @Test
  void shouldReadAnEnterpriseRunThroughTheApiTheUserNamed() {
    runWithJobs(TWO_JOBS, Map.of());

    Build build =
        provider().fetchBuild("https://github.example.com/acme/shop/actions/runs/777", events::add);

    assertThat(build.jobs()).hasSize(3);
    assertThat(api.seen()).allSatisfy(s -> assertThat(s.hadAuthorization()).isTrue());
  }

  void runWithJobs(String firstPage, Map<String, String> headers) {
    api.on(
        REPO + "/actions/runs/777",
        Reply.json(
            """
        {"id":777,"name":"CI","run_number":12,"status":"completed","conclusion":"failure"}"""));
    api.on(
        REPO + "/actions/runs/777/jobs?per_page=100&filter=latest", Reply.json(firstPage, headers));
  }

  static final String TWO_JOBS =
      """
      {"total_count":2,"jobs":[{"id":1,"name":"build","status":"completed","conclusion":"failure"},
        {"id":2,"name":"lint","status":"completed","conclusion":"success"}]}""";

  @Test
  void shouldListAJobOnTwoPagesOnce() {
    runWithJobs(
        TWO_JOBS,
        Map.of(
            "Link",
            "<" + api.url() + REPO + "/actions/runs/777/jobs?per_page=100&page=2>; rel=\"next\""));
    api.on(REPO + "/actions/runs/777/jobs?per_page=100&page=2", Reply.json(TWO_JOBS));

    Build build = provider().fetchBuild(URL, events::add);

    assertThat(build.jobs())
        .extracting(j -> j.info().id())
        .containsExactly("1", "2", "artifacts:777");
  }

  @Test
  void shouldStopAtANextLinkBackToTheSamePage() {
    runWithJobs(
        TWO_JOBS,
        Map.of(
            "Link",
            "<"
                + api.url()
                + REPO
                + "/actions/runs/777/jobs?per_page=100&filter=latest>; rel=\"next\""));

    Build build = provider().fetchBuild(URL, events::add);

    assertThat(build.jobs()).hasSize(3);
    assertThat(api.requestCount()).as("the run and one page").isEqualTo(2);
    assertThat(events)
        .anySatisfy(
            e ->
                assertThat(e)
                    .isInstanceOfSatisfying(
                        ProgressEvent.Warning.class,
                        w -> assertThat(w.message()).contains("back at a page")));
  }

  @Test
  void shouldCountTheTestReportsEntryAsNoJob() {
    runWithJobs(TWO_JOBS, Map.of());

    provider().fetchBuild(URL, events::add);

    assertThat(events)
        .filteredOn(ProgressEvent.BuildResolved.class::isInstance)
        .singleElement()
        .isEqualTo(
            new ProgressEvent.BuildResolved("github:acme/shop/777", "acme/shop CI #12", 2, 1));
  }

  @Test
  void shouldNotSendTheTokenToAnArtifactUrlOnAnotherHost() {
    runWithJobs(TWO_JOBS, Map.of());
    api.on(
        REPO + "/actions/runs/777/artifacts?per_page=100",
        Reply.json(
            """
        {"total_count":1,"artifacts":[
          {"id":10,"name":"test-results","size_in_bytes":100,"expired":false,"archive_download_url":"%s/zip/10"}]}"""
                .formatted(storage.url())));
    storage.on("/zip/10", Reply.bytes(Zips.zip(Map.of("TEST-Cart.xml", SafeZipTest.REPORT))));
    GitHubProvider p = provider();
    Build build = p.fetchBuild(URL, events::add);

    TestReports reports = p.testReports(build, build.jobs().get(2));

    assertThat(storage.seen()).isEmpty();
    assertThat(reports.reports()).isEmpty();
    assertThat(reports.warnings())
        .singleElement()
        .satisfies(w -> assertThat(w).contains("test-results").contains("outside"));
  }

  @Test
  void shouldSendNoTokenToARunUrlOnAnotherHost() {
    FakeCiServer evil = new FakeCiServer();
    try (evil) {
      GitHubProvider p =
          new GitHubProvider(
              new HttpTransport(
                  HttpTransport.defaultClient(), clock, waits::add, Duration.ofSeconds(2)),
              Map.of(GitHubProvider.TOKEN, "ghp_secret"));
      String target = evil.url() + "/acme/w/actions/runs/1";
      assertThat(p.accepts(target)).isTrue();

      assertThatThrownBy(() -> p.fetchBuild(target, events::add))
          .isInstanceOf(DestillException.BadInput.class)
          .hasMessageContaining("GITHUB_API_URL")
          .hasMessageNotContaining("ghp_secret");
      assertThat(evil.requestCount()).isZero();
    }
  }

  @Test
  void shouldRefuseAMalformedTokenWithoutEchoingIt() {
    for (String token : List.of("ghp_\u2026", "ghp_abc\nX-Evil: 1", "ghp_ abc")) {
      GitHubProvider p =
          new GitHubProvider(
              new HttpTransport(
                  HttpTransport.defaultClient(), clock, waits::add, Duration.ofSeconds(2)),
              Map.of(GitHubProvider.API_URL, api.url(), GitHubProvider.TOKEN, token));

      assertThatThrownBy(() -> p.fetchBuild(URL, events::add))
          .isInstanceOf(DestillException.BadInput.class)
          .hasMessageContaining("GITHUB_TOKEN is not a valid token")
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain(token.substring(4)));
    }
    assertThat(api.requestCount()).isZero();
  }

  @Test
  void shouldMaskCredentialsInTheApiUrl() {
    GitHubProvider p =
        new GitHubProvider(
            new HttpTransport(
                HttpTransport.defaultClient(), clock, waits::add, Duration.ofSeconds(2)),
            Map.of(
                GitHubProvider.API_URL,
                api.url().replace("://", "://bob:hunter2@"),
                GitHubProvider.TOKEN,
                "ghp_test"));

    assertThatThrownBy(() -> p.fetchBuild(URL + "?sig=abc123", events::add))
        .isInstanceOf(DestillException.BadInput.class)
        .hasMessageContaining("GITHUB_API_URL holds credentials")
        .hasMessageNotContaining("hunter2");
    assertThat(api.requestCount()).isZero();
  }

  @Test
  void shouldKeepCredentialsInARunUrlOutOfRequestsAndMessages() {
    GitHubProvider p =
        new GitHubProvider(
            new HttpTransport(
                HttpTransport.defaultClient(), clock, waits::add, Duration.ofSeconds(2)),
            Map.of(GitHubProvider.TOKEN, "ghp_test"));

    assertThatThrownBy(
            () ->
                p.fetchBuild("https://bob:hunter2@ghe.example/acme/w/actions/runs/1", events::add))
        .hasMessageStartingWith("ghe.example is not github.com")
        .hasMessageNotContaining("hunter2");
  }
}
