package dev.destill.app.distributed;

import static org.assertj.core.api.Assertions.assertThat;

import dev.destill.app.CliRunner;
import dev.destill.app.cli.ExitCodes;
import dev.destill.app.distributed.TestCluster.FindingRow;
import dev.destill.app.distributed.TestCluster.RunningAgent;
import dev.destill.core.pipeline.Topics;
import dev.destill.core.store.RequestRecord;
import dev.destill.core.store.RequestStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Two analyze agents in one consumer group share the work and find what one finds alone. */
class ScaleIT {
  static final List<FakeBuild> BUILDS = new ArrayList<>();

  static TestCluster cluster;

  @BeforeAll
  static void start() {
    cluster = TestCluster.start();
    // Builds whose chunk keys land on different partitions, so that both agents get some.
    Set<Integer> partitions = new TreeSet<>();
    for (int n = 100; BUILDS.size() < TestCluster.PARTITIONS; n++) {
      FakeBuild probe = new FakeBuild(n, new byte[0], List.of());
      if (partitions.add(partitionOf(probe.buildId()))) {
        BUILDS.add(FakeBuild.generate(n, 3_000_000, 6));
      }
    }
    BUILDS.forEach(b -> b.serve(cluster.api));
    cluster.startSink();
    cluster.startIngest();
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  /** The partition Kafka's default partitioner picks for a key. */
  static int partitionOf(String key) {
    return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8)))
        % TestCluster.PARTITIONS;
  }

  @Test
  void shouldShareChunksBetweenTwoAgentsAndFindTheSameAsOne() throws Exception {
    CountingMetrics alone = new CountingMetrics();
    RunningAgent single = cluster.startAnalyze(alone);
    Map<String, Set<String>> byOne = runAll();
    single.close();
    assertThat(alone.chunksIn()).isGreaterThan(BUILDS.size());

    CountingMetrics first = new CountingMetrics();
    CountingMetrics second = new CountingMetrics();
    cluster.startAnalyze(first);
    cluster.startAnalyze(second);
    awaitTwoMembersWithPartitions();
    Map<String, Set<String>> byTwo = runAll();

    assertThat(first.chunksIn()).as("chunks of the first agent").isPositive();
    assertThat(second.chunksIn()).as("chunks of the second agent").isPositive();
    assertThat(first.chunksIn() + second.chunksIn()).isGreaterThanOrEqualTo(alone.chunksIn());
    assertThat(byTwo).isEqualTo(byOne);
    assertThat(byOne.values()).allSatisfy(s -> assertThat(s).isNotEmpty());
  }

  /** Submits every build, waits for all, and returns each build's findings as hash@job:line. */
  private static Map<String, Set<String>> runAll() {
    Map<String, String> ids = new LinkedHashMap<>();
    for (FakeBuild b : BUILDS) {
      CliRunner.Result r = CliRunner.runWithEnv(cluster.env(), "submit", b.url());
      assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCodes.OK);
      ids.put(b.buildId(), r.out().strip());
    }
    Map<String, Set<String>> findings = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : ids.entrySet()) {
      RequestRecord done = cluster.awaitFinal(e.getValue(), Duration.ofSeconds(120));
      assertThat(done.status()).isEqualTo(RequestStatus.COMPLETE);
      assertThat(done.chunksDone()).isEqualTo(done.chunksTotal()).isGreaterThan(1);
      List<FindingRow> rows = cluster.findingRows(e.getValue());
      findings.put(
          e.getKey(),
          rows.stream()
              .map(f -> f.hash() + "@" + f.job() + ":" + f.line())
              .collect(Collectors.toCollection(TreeSet::new)));
    }
    return findings;
  }

  /** Waits until the analyze group settled with both agents, each owning partitions. */
  private static void awaitTwoMembersWithPartitions() {
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.kafka.bootstrapServers()))) {
      TestCluster.awaitTrue(
          Duration.ofSeconds(60),
          "two analyze agents sharing " + Topics.LOGS,
          () -> {
            try {
              ConsumerGroupDescription group =
                  admin
                      .describeConsumerGroups(List.of(Topics.ANALYZE_GROUP))
                      .all()
                      .get(10, TimeUnit.SECONDS)
                      .get(Topics.ANALYZE_GROUP);
              List<MemberDescription> members = List.copyOf(group.members());
              return members.size() == 2
                  && members.stream().allMatch(m -> !m.assignment().topicPartitions().isEmpty());
            } catch (Exception e) {
              return false;
            }
          });
    }
  }
}
