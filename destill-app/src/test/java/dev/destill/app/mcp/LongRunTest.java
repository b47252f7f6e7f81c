package dev.destill.app.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.destill.core.store.FindingStore;
import dev.destill.provider.FakeCiServer;
import dev.destill.provider.FakeCiServer.Reply;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * One long-running process (an MCP server, an agent host) runs analysis after analysis: what it
 * keeps (sessions, spooled logs, threads) stays flat instead of growing with the count.
 */
class LongRunTest {
  static final int ANALYSES = 10_000;
  static final String BUILD = "/v2/organizations/acme/pipelines/shop/builds/42";
  static final String URL = "https://buildkite.com/acme/shop/builds/42";

  @TempDir Path tmp;

  /**
   * A history that keeps nothing: the real one is a database on disk, whose growth is its purpose;
   * what is measured here is what the process holds.
   */
  static FindingStore forgetful() {
    return (FindingStore)
        Proxy.newProxyInstance(
            FindingStore.class.getClassLoader(),
            new Class<?>[] {FindingStore.class},
            (proxy, method, args) -> {
              Class<?> type = method.getReturnType();
              if (type == List.class) {
                return List.of();
              }
              if (type == Map.class) {
                return Map.of();
              }
              if (type == Optional.class) {
                return Optional.empty();
              }
              if (type == boolean.class) {
                return true;
              }
              return null;
            });
  }

  private static long files(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.count();
    }
  }

  @Test
  @Timeout(600)
  void shouldKeepSessionsSpooledLogsAndThreadsFlatOverTenThousandAnalyses() throws Exception {
    try (FakeCiServer api = new FakeCiServer();
        InputStream build = getClass().getResourceAsStream("/buildkite/build.json")) {
      api.on(BUILD, Reply.json(new String(build.readAllBytes(), StandardCharsets.UTF_8)));
      api.on(
          BUILD + "/jobs/0190a1b2-0000-4000-8000-000000000001/log.txt",
          Reply.text("--- FAIL: TestCart\nerror: cart total is off by one\nFAIL\n"));
      api.on(
          BUILD + "/jobs/0190a1b2-0000-4000-8000-000000000003/log.txt",
          Reply.text("eslint src\nDone.\n"));
      api.on(BUILD + "/artifacts?per_page=100", Reply.json("[]"));
      Map<String, String> env =
          Map.of("BUILDKITE_API_URL", api.url() + "/v2", "BUILDKITE_API_TOKEN", "bk-token");
      Path spool = Files.createDirectory(tmp.resolve("spool"));
      McpTools tools =
          new McpTools(
              dev.destill.provider.CiProviders.remote(
                  env, Clock.systemUTC(), java.time.Duration.ofSeconds(10)),
              Clock.systemUTC(),
              forgetful(),
              4000,
              spool,
              PathGuard.of(tmp.toString(), tmp));

      List<int[]> samples = new ArrayList<>(); // sessions, spooled files, threads
      int threadsBefore = Thread.activeCount();
      for (int i = 1; i <= ANALYSES; i++) {
        if (i % 25 == 0) {
          tools.analyzeBuild(URL, 3); // spools both job logs
        } else {
          tools.analyzeLog(null, "setup\nerror: boom in step " + i + "\n", 3);
        }
        if (i % 1000 == 0) {
          // The last analyses' threads wind down, and an HTTP client's once it is collected: a
          // leak is what stays.
          int threads =
              org.awaitility.Awaitility.await()
                  .atMost(java.time.Duration.ofSeconds(20))
                  .until(
                      () -> {
                        System.gc();
                        return Thread.activeCount();
                      },
                      n -> n <= threadsBefore + 12);
          samples.add(new int[] {tools.sessionCount(), (int) files(spool), threads});
        }
      }

      // Flat from the first thousand on: at most the sessions kept, their spooled logs, and the
      // threads of the last analysis still winding down.
      String seen = samples.stream().map(java.util.Arrays::toString).toList().toString();
      for (int[] s : samples) {
        assertThat(s[0]).as("sessions %s", seen).isEqualTo(McpTools.MAX_SESSIONS);
        assertThat(s[1]).as("spooled logs %s", seen).isLessThanOrEqualTo(2 * McpTools.MAX_SESSIONS);
        assertThat(s[2]).as("threads %s", seen).isLessThanOrEqualTo(threadsBefore + 12);
      }
      assertThat(api.seen())
          .filteredOn(s -> s.pathAndQuery().endsWith("log.txt"))
          .hasSize(2 * ANALYSES / 25);

      tools.close();
      assertThat(spool).as("the spool goes with the server").doesNotExist();
    }
  }
}
