package dev.destill.app.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.destill.app.wiring.Services;
import dev.destill.core.DestillException;
import dev.destill.core.store.FindingStore;
import dev.destill.core.store.RequestRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code serve --watch}: a file that appears under the glob is analyzed into the history. */
class WatchedFilesTest {
  @TempDir Path dir;

  private Services services() {
    Map<String, String> env = new HashMap<>(System.getenv());
    env.put("DESTILL_HOME", dir.resolve("home").toString());
    env.remove("DESTILL_POSTGRES_URL");
    env.remove("POSTGRES_DSN");
    env.remove("DESTILL_KAFKA_BROKERS");
    return Services.forProcess(env);
  }

  private List<RequestRecord> live(Services services) {
    try (FindingStore store = services.openHistoryForReading()) {
      return store.recentRequests(20).stream()
          .filter(r -> r.target().startsWith("live:file/"))
          .toList();
    }
  }

  @Test
  void shouldStoreTheAnalysisOfAnErrorInAFileThatAppearsUnderTheGlob() throws Exception {
    Path logs = Files.createDirectories(dir.resolve("logs"));
    Services services = services();
    try (WatchedFiles w = WatchedFiles.start(services, List.of(logs + "/*.log"))) {
      Files.writeString(logs.resolve("ignored.txt"), "x\n");
      Path app = logs.resolve("app.log");
      Files.writeString(
          app,
          "starting\n"
              + "Exception in thread \"main\" java.lang.IllegalStateException: no config\n"
              + "\tat com.acme.Main.main(Main.java:12)\n");
      await().atMost(Duration.ofSeconds(60)).until(() -> w.files() == 1);
      // The window closes when the file has been quiet for the live default.
      await().atMost(Duration.ofSeconds(90)).until(() -> !live(services).isEmpty());
    }
    RequestRecord r = live(services).get(0);
    assertThat(r.target()).isEqualTo("live:file/" + logs.resolve("app.log"));
    assertThat(r.findings()).isPositive();
  }

  /** With the server's live ingestion, a watched file's lines are counted with the others. */
  @Test
  void shouldCountTheLinesOfAWatchedFileInTheServersLiveStats() throws Exception {
    Path logs = Files.createDirectories(dir.resolve("shared"));
    Services services = services();
    dev.destill.core.stats.InMemoryStatsStore stats =
        new dev.destill.core.stats.InMemoryStatsStore();
    dev.destill.core.store.InMemoryFindingStore store =
        new dev.destill.core.store.InMemoryFindingStore(services.clock());
    dev.destill.live.LiveIngest shared =
        new dev.destill.live.LiveIngest(
            dev.destill.live.LiveSettings.defaults(), store, stats, services.clock());
    try (WatchedFiles w = WatchedFiles.start(services, List.of(logs + "/*.log"), shared)) {
      Files.writeString(logs.resolve("app.log"), "one\ntwo\nerror: three\n");
      await().atMost(Duration.ofSeconds(60)).until(() -> w.files() == 1);
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                stats.flush();
                return stats
                        .totals(
                            dev.destill.core.stats.StatsQuery.last(
                                java.time.Instant.now().plus(Duration.ofMinutes(1)),
                                Duration.ofHours(1),
                                Duration.ofMinutes(1),
                                10))
                        .stream()
                        .mapToLong(dev.destill.core.stats.StatsRows.Total::lines)
                        .sum()
                    == 3;
              });
    }
    // The server's ingestion is the server's to stop: watching stopped, it still takes lines.
    assertThat(shared.offer(List.of())).isNotInstanceOf(dev.destill.live.Admission.Stopping.class);
    shared.stop(Duration.ofSeconds(5));
  }

  @Test
  void shouldRefuseAPatternInAFolder() {
    assertThatThrownBy(() -> WatchedFiles.start(services(), List.of(dir + "/*/app.log")))
        .isInstanceOf(DestillException.BadInput.class)
        .hasMessageContaining("only the file name may be a pattern");
  }
}
