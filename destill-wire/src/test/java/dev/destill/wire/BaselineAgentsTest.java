package dev.destill.wire;

import static org.assertj.core.api.Assertions.assertThat;

import dev.destill.core.ErrorPolicy;
import dev.destill.core.analyze.AnalyzeAgent;
import dev.destill.core.analyze.BrokerBaselines;
import dev.destill.core.broker.InMemoryBroker;
import dev.destill.core.broker.Message;
import dev.destill.core.broker.Subscription;
import dev.destill.core.engine.LineTemplates;
import dev.destill.core.ingest.IngestAgent;
import dev.destill.core.model.JobInfo;
import dev.destill.core.model.JobState;
import dev.destill.core.model.RequestEvent;
import dev.destill.core.pipeline.AgentMetrics;
import dev.destill.core.pipeline.PipelineMessage;
import dev.destill.core.pipeline.Topics;
import dev.destill.core.provider.BaselineChoice;
import dev.destill.core.provider.InMemoryCiProvider;
import dev.destill.core.provider.InMemoryCiProvider.Job;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The ingest and analyze agents with a baseline over the in-memory broker, encoded as over Kafka:
 * what the ingest agent publishes for a failed job's baseline, and an analysis whose baseline never
 * comes.
 */
class BaselineAgentsTest {
  private static final String FAILED = "memory:shop/builds/9";
  private static final String GREEN = "memory:shop/builds/8";
  private final MessageJson codec = new MessageJson();
  private final InMemoryBroker broker = new InMemoryBroker(2, 1000);
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
    broker.close();
  }

  private static Job job(String id, String name, JobState state, String log) {
    return Job.withLog(
        new JobInfo(id, name, state, OptionalInt.of(state == JobState.FAILED ? 1 : 0)),
        log.getBytes(StandardCharsets.UTF_8));
  }

  /** Every message on {@code topic} so far, decoded. */
  private List<PipelineMessage> all(String topic) {
    List<PipelineMessage> out = new ArrayList<>();
    try (Subscription s = broker.subscribe(topic, "test-" + topic)) {
      List<Message> got;
      while (!(got = s.poll(Duration.ofMillis(100))).isEmpty()) {
        got.forEach(m -> out.add(codec.read(m)));
      }
      s.commit();
    }
    return out;
  }

  @Test
  void shouldPublishAFailedJobsBaselineSetAndNameItInTheJobsChunks() {
    InMemoryCiProvider ci = new InMemoryCiProvider();
    ci.add(
        FAILED,
        "red",
        List.of(
            job("f1", "test", JobState.FAILED, "compiling 12 files\nERROR: disk full\n"),
            job("f2", "lint", JobState.PASSED, "lint ok\n")));
    ci.add(
        GREEN,
        "green",
        List.of(
            job("g1", "test", JobState.PASSED, "compiling 40 files\n"),
            job("g2", "lint", JobState.PASSED, "lint ok\n")));
    IngestAgent ingest =
        new IngestAgent(
            broker,
            codec,
            AgentMetrics.NONE,
            List.of(ci),
            new IngestAgent.Settings(1 << 20, 2, IngestAgent.ChunkKeys.BY_CHUNK, false),
            e -> {},
            ErrorPolicy.AGENT);

    ingest.ingest(
        new PipelineMessage.AnalysisRequest(
            "req-1", List.of(FAILED), Instant.EPOCH, new BaselineChoice.Given(GREEN)));

    List<PipelineMessage.LogChunk> chunks =
        all(Topics.LOGS).stream().map(PipelineMessage.LogChunk.class::cast).toList();
    assertThat(chunks)
        .extracting(c -> c.job().id() + "=" + c.baseline().orElse("none"))
        .containsExactlyInAnyOrder("f1=f1", "f2=none");
    List<PipelineMessage> parts = all(Topics.BASELINES);
    assertThat(parts).singleElement().isInstanceOf(PipelineMessage.BaselinePart.class);
    PipelineMessage.BaselinePart part = (PipelineMessage.BaselinePart) parts.get(0);
    assertThat(part.set()).isEqualTo("f1");
    LineTemplates t = LineTemplates.fromBytes(part.data());
    assertThat(t.match("compiling 3 files")).isEqualTo(LineTemplates.Match.KNOWN);
    assertThat(t.match("ERROR: disk full")).isEqualTo(LineTemplates.Match.NEW);
    assertThat(all(Topics.FINDINGS))
        .contains(
            new PipelineMessage.Progress(
                new RequestEvent.BaselineChosen("req-1", Optional.of(GREEN), "")));
    assertThat(ci.opened()).as("only the failed job's pair is read").doesNotContain("g2");
  }

  @Test
  void shouldAnalyzeAChunkWithoutTheBaselineThatNeverCameAndSaySo() throws Exception {
    BrokerBaselines baselines =
        new BrokerBaselines(
            broker,
            codec,
            "test-baselines",
            new BrokerBaselines.Settings(Duration.ofMillis(50), 64L << 20, Duration.ofHours(1)),
            Clock.systemUTC());
    open.add(baselines);
    Thread reader = new Thread(baselines, "baselines");
    reader.setDaemon(true);
    reader.start();
    AnalyzeAgent analyze =
        new AnalyzeAgent(
            broker,
            codec,
            AgentMetrics.NONE,
            1,
            false,
            dev.destill.core.engine.Rules.standard(),
            ErrorPolicy.AGENT,
            Optional.empty(),
            Clock.systemUTC(),
            baselines);
    open.add(0, () -> analyze.stop());
    Thread t = new Thread(analyze, "analyze");
    t.setDaemon(true);
    t.start();

    ByteArrayOutputStream log = new ByteArrayOutputStream();
    log.writeBytes("compiling\nERROR: disk full\n".getBytes(StandardCharsets.UTF_8));
    broker.publish(
        Topics.LOGS,
        "k",
        codec.encode(
            new PipelineMessage.LogChunk(
                "req-1",
                "b1",
                new JobInfo("f1", "test", JobState.FAILED, OptionalInt.of(1)),
                0,
                1,
                1,
                1,
                2,
                log.toByteArray(),
                Optional.of("f1"))));

    RequestEvent.ChunkAnalyzed done = null;
    try (Subscription s = broker.subscribe(Topics.FINDINGS, "test-findings")) {
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (done == null && System.nanoTime() < deadline) {
        for (Message m : s.poll(Duration.ofMillis(100))) {
          if (codec.read(m) instanceof PipelineMessage.Progress p
              && p.event() instanceof RequestEvent.ChunkAnalyzed c) {
            done = c;
          }
        }
      }
    }
    assertThat(done).isNotNull();
    assertThat(done.novelty()).isEmpty();
    assertThat(done.warnings())
        .containsExactly(
            "test: its baseline did not arrive within 50 ms on destill.baselines;"
                + " it was analyzed without one");
  }
}
