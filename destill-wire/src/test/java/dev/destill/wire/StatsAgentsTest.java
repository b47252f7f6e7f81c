package dev.destill.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.destill.core.analyze.AnalyzeAgent;
import dev.destill.core.broker.InMemoryBroker;
import dev.destill.core.broker.Message;
import dev.destill.core.broker.Subscription;
import dev.destill.core.model.JobInfo;
import dev.destill.core.model.JobState;
import dev.destill.core.pipeline.Agent;
import dev.destill.core.pipeline.AgentMetrics;
import dev.destill.core.pipeline.BrokerStatsSink;
import dev.destill.core.pipeline.PipelineMessage;
import dev.destill.core.pipeline.PoisonMessageException;
import dev.destill.core.pipeline.Topics;
import dev.destill.core.sink.StatsSinkAgent;
import dev.destill.core.stats.InMemoryStatsStore;
import dev.destill.core.stats.Level;
import dev.destill.core.stats.LineCount;
import dev.destill.core.stats.StatsQuery;
import dev.destill.core.stats.StatsRows.Template;
import dev.destill.core.stats.StatsRows.Total;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Counts through the broker to the stats sink, and the per-chunk counts of CI analyses, over the
 * in-memory broker.
 */
class StatsAgentsTest {
  private static final Instant NOON = Instant.parse("2026-03-01T12:00:00Z");
  private final MessageJson codec = new MessageJson();
  private final StatsJson stats = new StatsJson();
  private final InMemoryBroker broker = new InMemoryBroker(2, 100);
  private final List<Agent> agents = new ArrayList<>();
  private final InMemoryStatsStore store = new InMemoryStatsStore();

  @AfterEach
  void stop() throws InterruptedException {
    for (Agent a : agents) {
      a.stop();
      a.awaitStopped(Duration.ofSeconds(10));
    }
    broker.close();
  }

  private void start(Agent agent) {
    agents.add(agent);
    Thread t = new Thread(agent, "test-" + agent.name());
    t.setDaemon(true);
    t.start();
  }

  private static StatsQuery noon() {
    return new StatsQuery(NOON, NOON.plusSeconds(60), Optional.empty(), Duration.ofMinutes(1), 10);
  }

  private List<Total> totals() {
    return store.totals(noon());
  }

  @Test
  void shouldCarryCountsThroughTheTopicAndSetABadBatchAside() {
    start(new StatsSinkAgent(broker, codec, AgentMetrics.NONE, stats, store));
    BrokerStatsSink sink = new BrokerStatsSink(broker, stats);
    sink.add(List.of(new LineCount(NOON, "api", "pod-1", Level.ERROR, "boom", 3)));
    sink.add(List.of(new LineCount(NOON, "api", "pod-1", Level.ERROR, "boom", 2)));
    sink.add(List.of(new LineCount(NOON, "db", "main", Level.INFO, "ok", 7)));
    broker.publish(Topics.STATS, "api", "{\"schema_version\":1,\"counts\":[{}]}".getBytes());
    sink.flush();

    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> totals().size() == 2);
    assertThat(totals()).containsExactly(new Total("api", 5, 5), new Total("db", 7, 0));
    try (Subscription dead = broker.subscribe(Topics.DEAD_LETTER, "probe")) {
      List<Message> got = new ArrayList<>();
      Awaitility.await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> got.addAll(dead.poll(Duration.ofMillis(50))) || !got.isEmpty());
      assertThat(new String(got.get(0).value(), StandardCharsets.UTF_8)).contains("is invalid");
    }
  }

  @Test
  void shouldCountEachChunksLinesAndFindingsForItsProjectAndJob() {
    start(
        new AnalyzeAgent(
            broker,
            codec,
            AgentMetrics.NONE,
            1,
            false,
            dev.destill.core.engine.Rules.standard(),
            dev.destill.core.ErrorPolicy.AGENT,
            java.util.Optional.of(store),
            Clock.fixed(NOON, ZoneOffset.UTC),
            dev.destill.core.store.Baselines.NONE));
    String log =
        "compiling\n"
            + "[ERROR] /src/A.java:[1,2] cannot find symbol\n"
            + "linking\n"
            + "[ERROR] /src/A.java:[9,2] cannot find symbol\n"
            + "done\n";
    byte[] data = log.getBytes(StandardCharsets.UTF_8);
    PipelineMessage.LogChunk chunk =
        new PipelineMessage.LogChunk(
            "req-1",
            "github:acme/shop/42",
            JobInfo.of("build", JobState.FAILED),
            0,
            1,
            1,
            1,
            5,
            data);
    broker.publish(Topics.LOGS, "b1", codec.encode(chunk));

    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> !totals().isEmpty());
    assertThat(totals()).containsExactly(new Total("github:acme/shop", 5, 2));
    assertThat(store.topTemplates(noon()))
        .extracting(Template::lines, Template::errors)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(2L, 2L));
  }

  @Test
  void shouldRoundTripABatchAndRefuseWhatItCannotRead() {
    List<LineCount> counts =
        List.of(new LineCount(NOON, "a\"b", "s", Level.FATAL, "t \u00e9", Long.MAX_VALUE));
    assertThat(stats.decode(stats.encode(counts))).isEqualTo(counts);
    assertThatThrownBy(() -> stats.decode("nope".getBytes()))
        .isInstanceOf(PoisonMessageException.class)
        .hasMessageStartingWith("not JSON");
    assertThatThrownBy(() -> stats.decode("{\"schema_version\":9,\"counts\":[]}".getBytes()))
        .isInstanceOf(PoisonMessageException.class)
        .hasMessageContaining("unknown schema_version 9");
    assertThatThrownBy(
            () ->
                stats.decode(
                    ("{\"schema_version\":1,\"counts\":[{\"minute\":\"2026-03-01T12:00:00Z\","
                            + "\"source\":\"a\",\"stream\":\"s\",\"level\":\"loud\","
                            + "\"template\":\"t\",\"lines\":1}]}")
                        .getBytes()))
        .isInstanceOf(PoisonMessageException.class);
  }
}
