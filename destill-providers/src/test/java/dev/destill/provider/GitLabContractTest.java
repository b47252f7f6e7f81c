package dev.destill.provider;

import dev.destill.core.provider.CiProviderContractTest;
import dev.destill.provider.FakeCiServer.Reply;
import dev.destill.provider.gitlab.GitLabProvider;
import dev.destill.provider.internal.HttpTransport;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;

/** GitLab against the fake API: jobs over two pages, a manual job, JUnit in the archive. */
class GitLabContractTest extends CiProviderContractTest {
  private static final String PROJECT = "/api/v4/projects/acme%2Fshop";
  private final FakeCiServer api = new FakeCiServer();

  @AfterEach
  void stop() {
    api.close();
  }

  @Override
  protected Staged stage() {
    api.on(
        PROJECT + "/pipelines/55/jobs?per_page=100",
        Reply.json(
            """
            [{"id":6,"name":"rspec","stage":"test","status":"failed","allow_failure":false,
              "artifacts":[{"file_type":"archive","filename":"artifacts.zip"},
                {"file_type":"junit","filename":"junit.xml.gz"}]},
             {"id":7,"name":"rubocop","stage":"lint","status":"success","artifacts":[]}]""",
            Map.of("X-Next-Page", "2")));
    api.on(
        PROJECT + "/pipelines/55/jobs?per_page=100&page=2",
        Reply.json(
            """
            [{"id":8,"name":"deploy","stage":"deploy","status":"manual","artifacts":[]}]""",
            Map.of("X-Next-Page", "")));
    api.on(PROJECT + "/jobs/6/trace", Reply.text(FAILED_LOG));
    api.on(PROJECT + "/jobs/7/trace", Reply.text(PASSED_LOG));
    api.on(
        PROJECT + "/jobs/6/artifacts",
        Reply.bytes(Zips.zip(Map.of("rspec.xml", JUNIT.getBytes(StandardCharsets.UTF_8)))));
    GitLabProvider provider =
        new GitLabProvider(
            new HttpTransport(
                HttpTransport.defaultClient(), Clock.systemUTC(), d -> {}, Duration.ofSeconds(5)),
            Map.of(GitLabProvider.API_URL, api.url() + "/api/v4", GitLabProvider.TOKEN, "glpat-x"));
    return new Staged(
        provider,
        "https://gitlab.example.com/acme/shop/-/pipelines/55",
        "test: rspec",
        Optional.of("lint: rubocop"),
        Optional.of("deploy: deploy"),
        "https://gitlab.example.com/acme/shop/-/pipelines/56",
        "https://github.com/acme/shop/actions/runs/1");
  }
}
