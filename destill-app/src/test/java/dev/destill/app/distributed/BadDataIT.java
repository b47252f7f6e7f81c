package dev.destill.app.distributed;

import static org.assertj.core.api.Assertions.assertThat;

import dev.destill.app.CliRunner;
import dev.destill.app.cli.ExitCodes;
import dev.destill.app.config.Settings;
import dev.destill.app.distributed.TestCluster.RunningAgent;
import dev.destill.core.ErrorPolicy;
import dev.destill.core.broker.Broker;
import dev.destill.core.broker.Message;
import dev.destill.core.broker.Subscription;
import dev.destill.core.pipeline.AgentMetrics;
import dev.destill.core.pipeline.PipelineMessage;
import dev.destill.core.pipeline.Topics;
import dev.destill.core.store.RequestRecord;
import dev.destill.core.store.RequestStatus;
import dev.destill.provider.FakeCiServer.Reply;
import dev.destill.wire.MessageJson;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Distributed mode under bad data and slow work, on real Kafka and PostgreSQL: a NUL in a job name,
 * a download slower than the consumer's poll interval, a chunk whose analysis throws.
 */
class BadDataIT {
  /** The ingest agent's consumer is dropped from its group after this long without a poll. */
  static final Duration POLL_INTERVAL = Duration.ofSeconds(3);

  static TestCluster cluster;

  @BeforeAll
  static void start() {
    cluster = TestCluster.start();
    cluster.startSink();
    cluster.startIngest(
        Map.of(Settings.MAX_POLL_INTERVAL.variable(), String.valueOf(POLL_INTERVAL.toMillis())),
        ErrorPolicy.agent(Duration.ofSeconds(5)));
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
  void shouldStoreABuildWithANulInItsJobNameWhileTheOthersKeepFlowing() {
    FakeBuild nul = FakeBuild.generate(91, 300_000, 4);
    nul.serve(cluster.api, ":java: ledger\\u0000 tests", Reply.bytes(nul.log()));
    FakeBuild plain = FakeBuild.generate(92, 300_000, 4);
    plain.serve(cluster.api);
    try (RunningAgent analyze = cluster.startAnalyze(AgentMetrics.NONE)) {
      String bad = submit(nul.url());
      String good = submit(plain.url());

      RequestRecord b = cluster.awaitFinal(bad, Duration.ofSeconds(60));
      RequestRecord g = cluster.awaitFinal(good, Duration.ofSeconds(60));

      assertThat(b.status()).isEqualTo(RequestStatus.COMPLETE);
      assertThat(g.status()).isEqualTo(RequestStatus.COMPLETE);
      assertThat(cluster.store.jobs(bad))
          .extracting(j -> j.info().name())
          .contains(":java: ledger\uFFFD tests");
      assertThat(cluster.findingRows(bad)).isNotEmpty();
    }
  }

  @Test
  void shouldIngestADownloadSlowerThanThePollIntervalOnce() {
    // About 1.2 MB at 150 KB/s: 8 s, well past the 3 s the consumer may go without a poll.
    FakeBuild slow = FakeBuild.generate(93, 1_200_000, 6);
    slow.serve(cluster.api, FakeBuild.FAILED_JOB_NAME, Reply.bytes(slow.log()).throttled(150_000));
    try (RunningAgent analyze = cluster.startAnalyze(AgentMetrics.NONE)) {
      String id = submit(slow.url());

      RequestRecord r = cluster.awaitFinal(id, Duration.ofSeconds(90));

      assertThat(r.status()).isEqualTo(RequestStatus.COMPLETE);
      assertThat(cluster.api.seen())
          .filteredOn(s -> s.pathAndQuery().equals(slow.logPath()))
          .as("the log was downloaded once")
          .hasSize(1);
      assertThat(cluster.findingRows(id))
          .extracting(TestCluster.FindingRow::id)
          .doesNotHaveDuplicates();
      assertThat(r.chunksDone()).isEqualTo(r.chunksTotal()).isGreaterThanOrEqualTo(3);
    }
  }

  @Test
  void shouldDeadLetterAChunkWhoseAnalysisThrowsAndFinishTheRestOfTheRequest() throws Exception {
    FakeBuild build = FakeBuild.generate(94, 2_000_000, 8);
    build.serve(cluster.api);
    // The fourth planted error (k = 3) is in "AccountService": its chunk trips the "bug".
    String poison = "AccountService";
    assertThat(build.planted()).anyMatch(p -> p.text().contains(poison));
    AtomicInteger tries = new AtomicInteger();
    ErrorPolicy quick =
        new ErrorPolicy(new ErrorPolicy.Budget(5, Duration.ofMillis(50), Duration.ofSeconds(1)), 3);
    try (RunningAgent analyze =
        cluster.startAnalyze(AgentMetrics.NONE, b -> poisoning(b, poison, tries), quick)) {
      String id = submit(build.url());

      RequestRecord r = cluster.awaitFinal(id, Duration.ofSeconds(90));

      assertThat(r.status()).isEqualTo(RequestStatus.INCOMPLETE);
      assertThat(r.chunksDone()).isEqualTo(r.chunksTotal()).isGreaterThanOrEqualTo(4);
      assertThat(r.warnings())
          .anyMatch(w -> w.contains("could not be analyzed (processing failed 3 times"));
      assertThat(tries.get()).as("tried, then set aside").isGreaterThanOrEqualTo(3);
      List<TestCluster.FindingRow> rows = cluster.findingRows(id);
      assertThat(rows).isNotEmpty();
      assertThat(status(id)).isEqualTo(ExitCodes.REQUEST_INCOMPLETE);
      assertThat(deadLetters()).anyMatch(reason -> reason.contains("simulated bug"));
    }
  }

  private static int status(String id) {
    return CliRunner.runWithEnv(cluster.env(), "status", id, "--wait", "10").exitCode();
  }

  /** The reasons of the dead letters so far. */
  private static List<String> deadLetters() {
    List<String> reasons = new ArrayList<>();
    try (Broker broker = cluster.services().connectBroker();
        Subscription s = broker.subscribe(Topics.DEAD_LETTER, "it-" + System.nanoTime())) {
      TestCluster.await(
          Duration.ofSeconds(30),
          "a dead letter",
          () -> {
            for (Message m : s.poll(Duration.ofMillis(200))) {
              reasons.add(new String(m.value(), java.nio.charset.StandardCharsets.UTF_8));
            }
            return reasons.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(true);
          });
    }
    return reasons;
  }

  /** A broker through which publishing a finding whose text contains {@code poison} throws. */
  static Broker poisoning(Broker real, String poison, AtomicInteger tries) {
    MessageJson codec = new MessageJson();
    return new Broker() {
      @Override
      public void publish(String topic, String key, byte[] value) {
        if (topic.equals(Topics.FINDINGS)
            && codec.decode(value) instanceof PipelineMessage.FindingMessage f
            && f.finding().message().contains(poison)) {
          tries.incrementAndGet();
          throw new IllegalStateException("simulated bug in the analysis of " + poison);
        }
        real.publish(topic, key, value);
      }

      @Override
      public void flush(Duration timeout) {
        real.flush(timeout);
      }

      @Override
      public Subscription subscribe(String topic, String group, int maxPoll) {
        return real.subscribe(topic, group, maxPoll);
      }

      @Override
      public void close() {
        real.close();
      }
    };
  }
}
