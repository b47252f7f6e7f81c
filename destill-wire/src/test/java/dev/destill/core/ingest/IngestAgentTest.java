package dev.destill.core.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.destill.core.DestillException;
import dev.destill.core.broker.InMemoryBroker;
import dev.destill.core.broker.Message;
import dev.destill.core.broker.Subscription;
import dev.destill.core.model.JobInfo;
import dev.destill.core.model.JobState;
import dev.destill.core.model.ProgressEvent;
import dev.destill.core.model.RequestEvent;
import dev.destill.core.pipeline.AgentMetrics;
import dev.destill.core.pipeline.PipelineMessage;
import dev.destill.core.pipeline.PipelineMessage.AnalysisRequest;
import dev.destill.core.pipeline.PipelineMessage.FindingMessage;
import dev.destill.core.pipeline.PipelineMessage.LogChunk;
import dev.destill.core.pipeline.PipelineMessage.Progress;
import dev.destill.core.pipeline.Topics;
import dev.destill.core.provider.InMemoryCiProvider;
import dev.destill.core.provider.InMemoryCiProvider.Job;
import dev.destill.core.provider.TestReport;
import dev.destill.core.provider.TestReports;
import dev.destill.wire.MessageJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The ingest agent over the in-memory provider and broker, one request at a time. */
class IngestAgentTest {
  private static final String TARGET = "memory:acme/42";
  private static final String FAILED_LOG = lines("build", 40) + "ERROR: cannot find symbol\n";
  private static final String PASSED_LOG = lines("lint", 10);
  private static final String JUNIT =
      """
      <testsuite name="CartTest" tests="1" failures="1">
        <testcase classname="com.acme.CartTest" name="addsItems">
          <failure message="expected 2 but was 1">java.lang.AssertionError</failure>
        </testcase>
      </testsuite>
      """;

  private final MessageJson codec = new MessageJson();
  private final InMemoryBroker broker = new InMemoryBroker(1, 10_000);
  private final InMemoryCiProvider provider = new InMemoryCiProvider();
  private final List<ProgressEvent> progress = new CopyOnWriteArrayList<>();

  @AfterEach
  void close() {
    broker.close();
  }

  private static String lines(String prefix, int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 1; i <= n; i++) {
      sb.append(prefix).append(" step ").append(i).append(" of the job\n");
    }
    return sb.toString();
  }

  private IngestAgent agent(boolean observers) {
    return new IngestAgent(
        broker,
        codec,
        AgentMetrics.NONE,
        List.of(provider),
        new IngestAgent.Settings(256, 2, IngestAgent.ChunkKeys.BY_BUILD, observers),
        progress::add,
        // One attempt: a broken log is not read again (reading on is tested in
        // AnalysisServiceTest).
        new dev.destill.core.ErrorPolicy(
            new dev.destill.core.ErrorPolicy.Budget(
                1, java.time.Duration.ofMillis(1), java.time.Duration.ofMillis(1)),
            1));
  }

  private void stage() {
    provider.add(
        TARGET,
        "acme #42",
        List.of(
            Job.withLog(
                    new JobInfo("1", "build", JobState.FAILED, OptionalInt.of(1)),
                    FAILED_LOG.getBytes(StandardCharsets.UTF_8))
                .withReports(
                    new TestReports(
                        List.of(
                            new TestReport(
                                "TEST-CartTest.xml", JUNIT.getBytes(StandardCharsets.UTF_8))),
                        List.of("report site.xml skipped"))),
            Job.withLog(
                new JobInfo("2", "lint", JobState.PASSED, OptionalInt.of(0)),
                PASSED_LOG.getBytes(StandardCharsets.UTF_8)),
            Job.withoutLog(new JobInfo("3", "approve", JobState.UNKNOWN, OptionalInt.empty()))));
  }

  private static AnalysisRequest request(String... targets) {
    return new AnalysisRequest("req-1", List.of(targets), Instant.parse("2026-01-01T00:00:00Z"));
  }

  private List<PipelineMessage> drain(String topic) {
    List<PipelineMessage> out = new ArrayList<>();
    try (Subscription s = broker.subscribe(topic, "test-" + topic)) {
      List<Message> polled;
      do {
        polled = s.poll(Duration.ofMillis(50));
        polled.forEach(m -> out.add(codec.decode(m.value())));
      } while (!polled.isEmpty());
      s.commit();
    }
    return out;
  }

  private List<RequestEvent> events() {
    return drain(Topics.FINDINGS).stream()
        .filter(m -> m instanceof Progress)
        .map(m -> ((Progress) m).event())
        .toList();
  }

  private static <T extends RequestEvent> T only(List<RequestEvent> events, Class<T> type) {
    List<T> found = events.stream().filter(type::isInstance).map(type::cast).toList();
    assertThat(found).hasSize(1);
    return found.get(0);
  }

  @Test
  void shouldResolveTheBuildPublishItsReportsAndCutEachLogIntoChunks() throws IOException {
    stage();
    agent(false).ingest(request(TARGET));

    List<PipelineMessage> findingsTopic = drain(Topics.FINDINGS);
    List<RequestEvent> events =
        findingsTopic.stream()
            .filter(m -> m instanceof Progress)
            .map(m -> ((Progress) m).event())
            .toList();
    assertThat(events.get(0))
        .isEqualTo(new RequestEvent.Submitted("req-1", TARGET, request(TARGET).submitted()));
    assertThat(events.get(1))
        .isEqualTo(new RequestEvent.Resolved("req-1", "memory:acme/42", "acme #42"));
    assertThat(events).last().isInstanceOf(RequestEvent.Ingested.class);
    assertThat(
            findingsTopic.stream()
                .filter(m -> m instanceof FindingMessage)
                .map(m -> ((FindingMessage) m).finding().test().orElseThrow().name()))
        .containsExactly("addsItems");

    List<LogChunk> chunks = drain(Topics.LOGS).stream().map(LogChunk.class::cast).toList();
    assertThat(log(chunks, "1")).isEqualTo(FAILED_LOG);
    assertThat(log(chunks, "2")).isEqualTo(PASSED_LOG);
    assertThat(chunks.stream().filter(c -> c.job().id().equals("1")).count())
        .as("a log of %d bytes in chunks of about 256", FAILED_LOG.length())
        .isGreaterThanOrEqualTo(FAILED_LOG.length() / 256)
        .isGreaterThan(1);
    for (LogChunk c : chunks) {
      assertThat(c.buildId()).isEqualTo("memory:acme/42");
      assertThat(c.total()).isIn(0, c.index() + 1);
    }
    assertThat(chunks.stream().filter(LogChunk::isLast)).hasSize(2);

    RequestEvent.Ingested ingested = only(events, RequestEvent.Ingested.class);
    assertThat(ingested.chunksTotal()).isEqualTo(chunks.size());
    assertThat(ingested.warnings()).containsExactly("report site.xml skipped");
    List<RequestEvent.JobIngested> jobs =
        events.stream()
            .filter(RequestEvent.JobIngested.class::isInstance)
            .map(RequestEvent.JobIngested.class::cast)
            .toList();
    assertThat(jobs)
        .extracting(j -> j.job().info().name())
        .containsExactlyInAnyOrder("build", "lint", "approve");
    assertThat(jobs)
        .filteredOn(j -> j.job().info().id().equals("3"))
        .singleElement()
        .satisfies(j -> assertThat(j.job().chunks()).isZero());
    assertThat(jobs)
        .filteredOn(j -> j.job().info().id().equals("1"))
        .singleElement()
        .satisfies(j -> assertThat(j.job().lines()).isEqualTo(41));
    assertThat(provider.opened()).containsExactlyInAnyOrder("1", "2");
    assertThat(progress).filteredOn(ProgressEvent.JobFinished.class::isInstance).hasSize(2);
    assertThat(drain(Topics.PROGRESS)).as("no observers asked for").isEmpty();
  }

  @Test
  void shouldAlsoTellObserversOnTheProgressTopic() {
    stage();
    agent(true).ingest(request(TARGET));

    assertThat(drain(Topics.PROGRESS))
        .isEqualTo(drain(Topics.FINDINGS).stream().filter(m -> m instanceof Progress).toList());
  }

  @Test
  void shouldFailTheRequestWhenTheBuildCannotBeResolved() {
    agent(false).ingest(request("memory:acme/404"));

    List<RequestEvent> events = events();
    assertThat(events).hasSize(2);
    assertThat(events.get(1))
        .isEqualTo(new RequestEvent.Failed("req-1", "no build at memory:acme/404"));
    assertThat(drain(Topics.LOGS)).isEmpty();
  }

  @Test
  void shouldFailATargetNoProviderAccepts() {
    agent(false).ingest(request("ftp://example.com/build"));

    assertThat(only(events(), RequestEvent.Failed.class).error())
        .isEqualTo(
            "don't know how to read ftp://example.com/build: give a Buildkite, GitHub Actions or"
                + " GitLab build URL");
  }

  @Test
  void shouldRefuseTwoBuildsOfARemoteProvider() {
    stage();
    provider.add("memory:acme/43", "acme #43", List.of());
    agent(false).ingest(request(TARGET, "memory:acme/43"));

    assertThat(only(events(), RequestEvent.Failed.class).error())
        .isEqualTo("give one build URL at a time (or only local files)");
  }

  @Test
  void shouldKeepWhatWasReadOfALogThatEndsEarly() {
    stage();
    provider.breakLog("2", new IOException("connection reset"));
    agent(false).ingest(request(TARGET));

    List<RequestEvent> events = events();
    assertThat(only(events, RequestEvent.Ingested.class).warnings())
        .anySatisfy(
            w ->
                assertThat(w)
                    .startsWith("log of lint ended early after 10 lines (connection reset)"));
    assertThat(log(drain(Topics.LOGS).stream().map(LogChunk.class::cast).toList(), "2"))
        .isEqualTo(PASSED_LOG);
  }

  @Test
  void shouldGoOnWithoutTheReportsThatCannotBeFetchedAndWithoutALogThatCannotBeOpened() {
    stage();
    provider.failReports("1", new DestillException.Retriable("artifacts API returned 502"));
    provider.failLog("2", new DestillException.BadInput("log of lint expired"));
    agent(false).ingest(request(TARGET));

    List<PipelineMessage> findingsTopic = drain(Topics.FINDINGS);
    assertThat(findingsTopic).noneMatch(m -> m instanceof FindingMessage);
    List<RequestEvent> events =
        findingsTopic.stream()
            .filter(m -> m instanceof Progress)
            .map(m -> ((Progress) m).event())
            .toList();
    assertThat(only(events, RequestEvent.Ingested.class).warnings())
        .contains("artifacts API returned 502", "log of lint expired");
    assertThat(provider.opened()).containsExactly("1");
  }

  @Test
  void shouldFailTheRequestWhenNoLogCanBeOpened() {
    stage();
    provider.failLog("1", new DestillException.BadInput("log of build expired"));
    provider.failLog("2", new DestillException.BadInput("log of lint expired"));
    agent(false).ingest(request(TARGET));

    List<RequestEvent> events = events();
    assertThat(events).noneMatch(RequestEvent.Ingested.class::isInstance);
    assertThat(only(events, RequestEvent.Failed.class).error()).endsWith("expired");
  }

  private static String log(List<LogChunk> chunks, String jobId) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    long ownedTo = 0;
    for (LogChunk c : chunks) {
      if (!c.job().id().equals(jobId)) {
        continue;
      }
      // Chunks overlap for context: take each chunk's own lines only.
      String[] lines = new String(c.data(), StandardCharsets.UTF_8).split("(?<=\n)");
      for (int i = 0; i < lines.length; i++) {
        long n = c.firstLine() + i;
        if (n >= c.ownFrom() && n <= c.ownTo() && n > ownedTo) {
          out.writeBytes(lines[i].getBytes(StandardCharsets.UTF_8));
          ownedTo = n;
        }
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
