package dev.destill.app.distributed;

import static org.assertj.core.api.Assertions.assertThat;

import dev.destill.app.CliRunner;
import dev.destill.app.cli.ExitCodes;
import dev.destill.app.distributed.TestCluster.FindingRow;
import dev.destill.app.distributed.TestCluster.RunningAgent;
import dev.destill.core.pipeline.AgentMetrics;
import dev.destill.core.pipeline.Topics;
import dev.destill.core.store.RequestRecord;
import dev.destill.core.store.RequestStatus;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** An analyze agent that crashes mid-stream loses no chunk and duplicates no finding. */
class FaultToleranceIT {
  /** About 24 chunks of 500 KB. */
  static final FakeBuild BUILD = FakeBuild.generate(77, 12_000_000, 36);

  /** How many chunks the first agent finishes before it crashes in the next one. */
  static final int CRASH_AFTER = 5;

  static TestCluster cluster;

  @BeforeAll
  static void start() {
    cluster = TestCluster.start();
    BUILD.serve(cluster.api);
    cluster.startSink();
    cluster.startIngest();
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  static String submit(String url) {
    CliRunner.Result r = CliRunner.runWithEnv(cluster.env(), "submit", url);
    assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCodes.OK);
    return r.out().strip();
  }

  @Test
  void shouldCompleteWithEveryFindingOnceWhenAnAnalyzeAgentCrashesMidStream() throws Exception {
    // A clean run of the same build says which findings to expect.
    RunningAgent clean = cluster.startAnalyze(AgentMetrics.NONE);
    String cleanId = submit(BUILD.url());
    RequestRecord cleanRun = cluster.awaitFinal(cleanId, Duration.ofSeconds(120));
    assertThat(cleanRun.status()).isEqualTo(RequestStatus.COMPLETE);
    assertThat(cleanRun.chunksTotal()).isGreaterThanOrEqualTo(20);
    clean.close();
    Set<String> expected = ids(cluster.findingRows(cleanId));
    assertThat(expected).hasSizeGreaterThan(BUILD.planted().size());

    CrashSwitch crash = new CrashSwitch(CRASH_AFTER);
    String id = submit(BUILD.url());
    RunningAgent a = cluster.startAnalyze(crash);
    assertThat(crash.reached.await(120, TimeUnit.SECONDS)).as("agent A reached the crash").isTrue();
    assertThat(crash.committedBefore).as("chunks finished before the crash").isPositive();
    a.crash(); // its consumer and producer close under it, with a poll of chunks in hand
    crash.release.countDown();

    RequestRecord mid =
        TestCluster.await(
            Duration.ofSeconds(30),
            "the chunks agent A finished to be stored",
            () ->
                cluster
                    .store
                    .request(id)
                    .filter(r -> r.chunksTotal() > 0 && r.chunksDone() >= crash.committedBefore));
    assertThat(mid.chunksDone()).isLessThan(mid.chunksTotal());
    assertThat(mid.status().isFinal()).isFalse();

    CountingMetrics bMetrics = new CountingMetrics();
    cluster.startAnalyze(bMetrics);
    RequestRecord done = cluster.awaitFinal(id, Duration.ofSeconds(120));

    assertThat(done.status()).isEqualTo(RequestStatus.COMPLETE);
    assertThat(done.chunksTotal()).isEqualTo(cleanRun.chunksTotal());
    assertThat(done.chunksDone()).isEqualTo(done.chunksTotal());
    // B took over the chunk A died with and every one after it.
    assertThat(bMetrics.chunksIn())
        .isGreaterThanOrEqualTo(done.chunksTotal() - crash.committedBefore);
    List<FindingRow> rows = cluster.findingRows(id);
    assertThat(rows).extracting(FindingRow::id).doesNotHaveDuplicates();
    assertThat(ids(rows)).isEqualTo(expected);
    assertThat(done.findings()).isEqualTo(rows.size());
    a.close();
  }

  private static Set<String> ids(List<FindingRow> rows) {
    return rows.stream().map(FindingRow::id).collect(Collectors.toSet());
  }

  /**
   * Freezes the agent in the middle of the first poll that takes it past {@code after} chunks, just
   * after it published a finding of that poll and before it could commit the poll, until the test
   * has crashed it. The chunks of earlier polls ({@link #committedBefore}) were finished.
   */
  static final class CrashSwitch implements AgentMetrics {
    final CountDownLatch reached = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    private final int after;
    private final AtomicBoolean armed = new AtomicBoolean(true);
    private int chunks; // only the agent's thread touches it
    private int beforePoll;
    volatile int committedBefore;

    CrashSwitch(int after) {
      this.after = after;
    }

    @Override
    public void messagesIn(String topic, int n) {
      if (topic.equals(Topics.LOGS)) {
        beforePoll = chunks;
        chunks += n;
      }
    }

    @Override
    public void messagesOut(String topic, int n) {
      if (topic.equals(Topics.FINDINGS) && chunks > after && armed.compareAndSet(true, false)) {
        committedBefore = beforePoll;
        reached.countDown();
        try {
          release.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }
}
