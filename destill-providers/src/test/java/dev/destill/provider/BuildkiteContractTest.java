package dev.destill.provider;

import dev.destill.core.provider.CiProviderContractTest;
import dev.destill.provider.FakeCiServer.Reply;
import dev.destill.provider.buildkite.BuildkiteProvider;
import dev.destill.provider.internal.HttpTransport;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;

/** Buildkite against the fake API: jobs inline, artifacts over two pages, a waiter step. */
class BuildkiteContractTest extends CiProviderContractTest {
  private static final String BUILD = "/v2/organizations/acme/pipelines/shop/builds/42";
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
        BUILD,
        Reply.json(
            """
            {"number":42,"state":"failed","jobs":[
              {"id":"j1","type":"script","name":"build","state":"failed","exit_status":1},
              {"id":"j2","type":"waiter","state":"passed"},
              {"id":"j3","type":"script","name":"lint","state":"passed","exit_status":0}]}"""));
    api.on(BUILD + "/jobs/j1/log.txt", Reply.text(FAILED_LOG));
    api.on(BUILD + "/jobs/j3/log.txt", Reply.text(PASSED_LOG));
    api.on(
        BUILD + "/artifacts?per_page=100",
        Reply.json(
            """
            [{"id":"a0","job_id":"j1","path":"dist/app.tar.gz","file_size":5000}]""",
            Map.of(
                "Link",
                "<" + api.url() + BUILD + "/artifacts?per_page=100&page=2>; rel=\"next\"")));
    api.on(
        BUILD + "/artifacts?per_page=100&page=2",
        Reply.json(
            """
            [{"id":"a1","job_id":"j1","path":"reports/junit.xml","file_size":300}]"""));
    api.on(
        BUILD + "/jobs/j1/artifacts/a1/download",
        Reply.redirect(storage.url() + "/bucket/junit.xml?sig=x"));
    storage.on("/bucket/junit.xml?sig=x", Reply.text(JUNIT));
    BuildkiteProvider provider =
        new BuildkiteProvider(
            new HttpTransport(
                HttpTransport.defaultClient(), Clock.systemUTC(), d -> {}, Duration.ofSeconds(5)),
            Map.of(BuildkiteProvider.API_URL, api.url() + "/v2", BuildkiteProvider.TOKEN, "bk"));
    return new Staged(
        provider,
        "https://buildkite.com/acme/shop/builds/42",
        "build",
        Optional.of("lint"),
        Optional.of("waiter j2"),
        "https://buildkite.com/acme/shop/builds/43",
        "https://github.com/acme/shop/actions/runs/1");
  }
}
