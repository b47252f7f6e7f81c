package dev.destill.provider;

import dev.destill.core.provider.CiProviderContractTest;
import dev.destill.provider.FakeCiServer.Reply;
import dev.destill.provider.github.GitHubProvider;
import dev.destill.provider.internal.HttpTransport;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;

/** GitHub Actions against the fake API: jobs over two pages, logs and artifacts via storage. */
class GitHubContractTest extends CiProviderContractTest {
  private static final String REPO = "/repos/acme/shop";
  private final FakeCiServer api = new FakeCiServer();
  private final FakeCiServer storage = new FakeCiServer();

  @AfterEach
  void stop() {
    api.close();
    storage.close();
  }

  @Override
  protected Staged stage() {
    api.on(
        REPO + "/actions/runs/777",
        Reply.json(
            """
            {"id":777,"name":"CI","run_number":12,"status":"completed","conclusion":"failure"}"""));
    String jobs = REPO + "/actions/runs/777/jobs?per_page=100&filter=latest";
    api.on(
        jobs,
        Reply.json(
            """
            {"total_count":3,"jobs":[
              {"id":1,"name":"build","status":"completed","conclusion":"failure"},
              {"id":2,"name":"lint","status":"completed","conclusion":"success"}]}""",
            Map.of("Link", "<" + api.url() + jobs + "&page=2>; rel=\"next\"")));
    api.on(
        jobs + "&page=2",
        Reply.json(
            """
            {"total_count":3,"jobs":[
              {"id":3,"name":"docs","status":"completed","conclusion":"skipped"}]}"""));
    api.on(REPO + "/actions/jobs/1/logs", Reply.redirect(storage.url() + "/logs/1"));
    storage.on("/logs/1", Reply.text(FAILED_LOG));
    api.on(REPO + "/actions/jobs/2/logs", Reply.redirect(storage.url() + "/logs/2"));
    storage.on("/logs/2", Reply.text(PASSED_LOG));
    api.on(
        REPO + "/actions/runs/777/artifacts?per_page=100",
        Reply.json(
            """
            {"total_count":1,"artifacts":[{"id":10,"name":"test-results","size_in_bytes":300,
              "expired":false,"archive_download_url":"%s/zip/10"}]}"""
                .formatted(api.url())));
    api.on("/zip/10", Reply.redirect(storage.url() + "/blob/10"));
    storage.on(
        "/blob/10",
        Reply.bytes(Zips.zip(Map.of("TEST-Cart.xml", JUNIT.getBytes(StandardCharsets.UTF_8)))));
    GitHubProvider provider =
        new GitHubProvider(
            new HttpTransport(
                HttpTransport.defaultClient(), Clock.systemUTC(), d -> {}, Duration.ofSeconds(5)),
            Map.of(GitHubProvider.API_URL, api.url(), GitHubProvider.TOKEN, "ghp_test"));
    return new Staged(
        provider,
        "https://github.com/acme/shop/actions/runs/777",
        "build",
        Optional.of("lint"),
        Optional.of("docs"),
        "https://github.com/acme/shop/actions/runs/778",
        "https://buildkite.com/acme/shop/builds/42");
  }
}
